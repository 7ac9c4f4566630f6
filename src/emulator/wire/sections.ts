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
