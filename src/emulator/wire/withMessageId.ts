import { types, type Typed } from '../rhea/codec';
import type { MessageContent } from './MessageContent';
import { Section, sectionCodeAt } from './sections';

const PROPERTIES_DESCRIPTOR = types.wrap_ulong(Section.properties);

/**
 * Returns the content with `properties.message-id` set to `id` (a properties section is added when the
 * message has none). Service Bus gives every message an id; the SDK's lock renewal relies on it.
 */
export function withMessageId(content: MessageContent, id: string): MessageContent {
  const { bare } = content;
  let fields: (Typed | null)[] = [];
  let end = 0;
  if (sectionCodeAt(bare, 0) === Section.properties) {
    const reader = new types.Reader(bare);
    const section = reader.read();
    end = reader.position;
    fields = Array.isArray(section.value) ? (section.value as Typed[]).slice() : [];
  }
  const messageId = types.wrap_string(id);
  fields[0] = messageId;
  const writer = new types.Writer(Buffer.alloc(64 + end));
  writer.write(types.described(PROPERTIES_DESCRIPTOR, types.List32(fields)) as Typed);
  const section = writer.toBuffer();
  const updated = Buffer.concat([section, bare.subarray(end)]);
  return { ...content, bare: updated, messageId, size: content.size - bare.length + updated.length };
}
