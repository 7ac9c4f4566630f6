import { types } from '../rhea/codec';
import type { MessageContent } from './MessageContent';
import { Section, sectionCodeAt } from './sections';

const NULL = 0x40;
const LIST0 = 0x45;
const LIST8 = 0xc0;
const LIST32 = 0xd0;
const STR8 = 0xa1;

/**
 * Returns the content (of a message sent without a message-id) with `properties.message-id` set to `id`;
 * a properties section is added when the message has none. Service Bus gives every message an id, and
 * the SDK's message-lock renewal relies on it.
 *
 * On the intake hot path, so the properties list is patched (its leading null replaced by the id, sizes
 * adjusted) instead of being decoded and re-encoded. A properties section in an encoding this does not
 * recognise is left as sent.
 */
export function withMessageId(content: MessageContent, id: string): MessageContent {
  const idBytes = Buffer.from(id, 'latin1');
  if (idBytes.length > 255) throw new RangeError('Broker message ids are at most 255 bytes.');
  const bare = content.bare;
  const hasProperties = sectionCodeAt(bare, 0) === Section.properties;
  const listAt = hasProperties ? descriptorLength(bare) : -1;
  let updated: Buffer | undefined;
  if (!hasProperties) updated = Buffer.concat([propertiesWithOnlyId(idBytes), bare]);
  else if (listAt > 0) updated = patchList(bare, listAt, idBytes);
  if (updated === undefined) return content; // an unusual encoding: keep the message as sent
  return { ...content, bare: updated, messageId: types.wrap_string(id) };
}

/** Length of the section's descriptor (`0x00` + smallulong/ulong/symbol), or -1. */
function descriptorLength(bytes: Buffer): number {
  const constructor = bytes[1];
  if (constructor === 0x53) return 3;
  if (constructor === 0x80) return 10;
  if (constructor === 0xa3) return 3 + (bytes[2] ?? 0);
  return -1;
}

function propertiesWithOnlyId(idBytes: Buffer): Buffer {
  const head = Buffer.from([0x00, 0x53, Section.properties, LIST8, 1 + 2 + idBytes.length, 1, STR8, idBytes.length]);
  return Buffer.concat([head, idBytes]);
}

/** Replaces the leading null of the properties list at `listAt` by the id (or prepends it to an empty list). */
function patchList(bare: Buffer, listAt: number, idBytes: Buffer): Buffer | undefined {
  const descriptor = bare.subarray(0, listAt);
  const code = bare[listAt];
  let count: number;
  let itemsAt: number;
  let listEnd: number;
  if (code === LIST0) {
    count = 0;
    itemsAt = listEnd = listAt + 1;
  } else if (code === LIST8) {
    count = bare[listAt + 2] ?? 0;
    itemsAt = listAt + 3;
    listEnd = listAt + 2 + (bare[listAt + 1] ?? 0);
  } else if (code === LIST32) {
    count = bare.readUInt32BE(listAt + 5);
    itemsAt = listAt + 9;
    listEnd = listAt + 5 + bare.readUInt32BE(listAt + 1);
  } else {
    return undefined;
  }
  if (listEnd > bare.length) return undefined;
  // Drop the null message-id, if present; the id goes first either way.
  const restAt = count > 0 && bare[itemsAt] === NULL ? itemsAt + 1 : count > 0 ? -1 : itemsAt;
  if (restAt < 0) return undefined;
  const newCount = count > 0 ? count : 1;
  const items = Buffer.concat([Buffer.from([STR8, idBytes.length]), idBytes, bare.subarray(restAt, listEnd)]);
  const size = items.length + 1; // + count byte
  const listHead =
    size <= 255 && newCount <= 255
      ? Buffer.from([LIST8, size, newCount])
      : Buffer.from([LIST32, 0, 0, 0, 0, 0, 0, 0, 0]);
  if (listHead[0] === LIST32) {
    listHead.writeUInt32BE(items.length + 4, 1);
    listHead.writeUInt32BE(newCount, 5);
  }
  return Buffer.concat([descriptor, listHead, items, bare.subarray(listEnd)]);
}
