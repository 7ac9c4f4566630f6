/** Descriptor codes of the AMQP message sections (AMQP 1.0 part 3.2). */
export const Section = {
  header: 0x70,
  deliveryAnnotations: 0x71,
  messageAnnotations: 0x72,
  properties: 0x73,
  applicationProperties: 0x74,
  data: 0x75,
  sequence: 0x76,
  value: 0x77,
  footer: 0x78,
} as const;

const SYMBOLIC: Readonly<Record<string, number>> = {
  'amqp:header:list': Section.header,
  'amqp:delivery-annotations:map': Section.deliveryAnnotations,
  'amqp:message-annotations:map': Section.messageAnnotations,
  'amqp:properties:list': Section.properties,
  'amqp:application-properties:map': Section.applicationProperties,
  'amqp:data:binary': Section.data,
  'amqp:amqp-sequence:list': Section.sequence,
  'amqp:value:*': Section.value,
  'amqp:footer:map': Section.footer,
};

/**
 * The descriptor code of the section that starts at `offset`, read without decoding the section,
 * or `undefined` when the bytes there are not a described section.
 */
export function sectionCodeAt(bytes: Buffer, offset: number): number | undefined {
  if (bytes[offset] !== 0x00) return undefined;
  const constructor = bytes[offset + 1];
  if (constructor === 0x53) return bytes[offset + 2]; // smallulong
  if (constructor === 0x80 && offset + 10 <= bytes.length) {
    return bytes.readUInt32BE(offset + 2) === 0 ? bytes.readUInt32BE(offset + 6) : undefined; // ulong
  }
  if (constructor === 0xa3) {
    const length = bytes[offset + 2] ?? 0;
    return SYMBOLIC[bytes.toString('latin1', offset + 3, offset + 3 + length)];
  }
  return undefined;
}

/**
 * The offset just past the described section that starts at `offset`, found from the encoded sizes
 * alone (nothing is decoded). Throws a RangeError when the bytes there are not a complete section.
 */
export function sectionEnd(bytes: Buffer, offset: number): number {
  if (bytes[offset] !== 0x00) throw new RangeError(`Expected a described section at byte ${offset}.`);
  const descriptorEnd = valueEnd(bytes, offset + 1);
  if (bytes[descriptorEnd] === 0x00) throw new RangeError(`A section value at byte ${descriptorEnd} is itself described.`);
  return valueEnd(bytes, descriptorEnd);
}

/** The offset just past the (non-described) AMQP value at `offset`, from its constructor and size. */
function valueEnd(bytes: Buffer, offset: number): number {
  const code = bytes[offset];
  if (code === undefined) throw new RangeError(`Truncated value at byte ${offset}.`);
  const category = code >> 4;
  let end: number;
  if (category >= 0x4 && category <= 0x9) {
    end = offset + 1 + [0, 1, 2, 4, 8, 16][category - 0x4]!;
  } else if (category === 0xa || category === 0xc || category === 0xe) {
    end = offset + 2 + (bytes[offset + 1] ?? Number.POSITIVE_INFINITY);
  } else if (category === 0xb || category === 0xd || category === 0xf) {
    end = offset + 5 + (offset + 5 <= bytes.length ? bytes.readUInt32BE(offset + 1) : Number.POSITIVE_INFINITY);
  } else {
    throw new RangeError(`Unknown type code 0x${code.toString(16)} at byte ${offset}.`);
  }
  if (end > bytes.length) throw new RangeError(`Truncated value at byte ${offset}: it needs ${end - offset} bytes.`);
  return end;
}
