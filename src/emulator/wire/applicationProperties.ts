import { types, type Typed } from '../rhea/codec';
import type { MessageContent } from './MessageContent';
import { Section, sectionCodeAt } from './sections';

/**
 * Returns the content with `changes` merged into its application-properties (existing keys replaced,
 * new keys appended; every other entry keeps its AMQP type). Used when a settlement carries properties to
 * modify and when dead-lettering adds `DeadLetterReason` / `DeadLetterErrorDescription`. Not a hot path.
 */
export function withApplicationProperties(content: MessageContent, changes: Readonly<Record<string, unknown>>): MessageContent {
  const keys = Object.keys(changes);
  if (keys.length === 0) return content;
  const { bare } = content;
  const reader = new types.Reader(bare);
  let start = 0;
  if (sectionCodeAt(bare, 0) === Section.properties) {
    reader.read();
    start = reader.position;
  }
  let end = start;
  let items: Typed[] = [];
  if (sectionCodeAt(bare, start) === Section.applicationProperties) {
    const section = reader.read();
    end = reader.position;
    items = Array.isArray(section.value) ? (section.value as Typed[]).slice() : [];
  }
  for (const key of keys) {
    const value = types.wrap(changes[key]);
    const at = items.findIndex((item, i) => i % 2 === 0 && item.value === key);
    if (at >= 0) items[at + 1] = value;
    else items.push(types.wrap_string(key), value);
  }
  const writer = new types.Writer();
  writer.write(types.described(types.wrap_ulong(Section.applicationProperties), types.Map32(items)) as Typed);
  const section = writer.toBuffer();
  const updated = Buffer.concat([bare.subarray(0, start), section, bare.subarray(end)]);
  return { ...content, bare: updated };
}
