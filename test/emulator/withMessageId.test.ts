import { message as rhea, types } from 'rhea';
import { parseMessage } from '../../src/emulator/wire/parseMessage';
import { withMessageId } from '../../src/emulator/wire/withMessageId';

const ID = '0123456789abcdef0123456789abcdef';

/** Sets the id on an encoded message and decodes the result with rhea. */
function roundTrip(encoded: Buffer) {
  const content = withMessageId(parseMessage(encoded), ID);
  expect(content.messageId?.value).toBe(ID);
  return rhea.decode(content.bare);
}

describe('withMessageId', () => {
  it('adds a properties section to a message without one', () => {
    const decoded = roundTrip(rhea.encode({ body: 'b', application_properties: { k: 1 } }));
    expect(decoded).toMatchObject({ message_id: ID, body: 'b', application_properties: { k: 1 } });
  });

  it('fills the null message-id of a short (list8) properties list and keeps the other fields', () => {
    const decoded = roundTrip(rhea.encode({ group_id: 'session', subject: 's', reply_to_group_id: 'r', body: 'x' }));
    expect(decoded).toMatchObject({ message_id: ID, group_id: 'session', subject: 's', reply_to_group_id: 'r', body: 'x' });
  });

  it('handles list32 and list0 encodings', () => {
    const longSubject = 's'.repeat(300);
    expect(roundTrip(rhea.encode({ subject: longSubject, body: 1 }))).toMatchObject({ message_id: ID, subject: longSubject, body: 1 });
    const list0 = Buffer.concat([Buffer.from([0x00, 0x53, 0x73, 0x45]), rhea.encode({ body: 'z' })]);
    expect(roundTrip(list0)).toMatchObject({ message_id: ID, body: 'z' });
  });

  it('keeps a message with a typed id untouched by the parser', () => {
    const content = parseMessage(rhea.encode({ message_id: types.wrap_ulong(7), body: 'x' }));
    expect(content.messageId?.value).toBe(7);
  });
});
