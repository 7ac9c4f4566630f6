import { message as rheaMessage } from 'rhea-promise';
import { RenewRequestEncoder, renewRequestMessage, type RenewRequestFields } from '../../src/amqp/RenewRequestEncoder';

const base: RenewRequestFields = {
  messageId: '6f1c2d3e-0000-4000-8000-000000000000:1',
  replyTo: 'b5a0c7a2-1111-4222-8333-444455556666',
  trackingId: '0d9e8f7a-6b5c-4d3e-8f10-112233445566',
  sessionId: 'session-1',
  associatedLinkName: 'bench-sq-0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d',
};

/** What rhea encodes for the same request (the bytes the encoder must reproduce). */
const rhea = (fields: RenewRequestFields): Buffer => rheaMessage.encode(renewRequestMessage(fields));

/** The encoder's bytes for `fields`. */
const encode = (encoder: RenewRequestEncoder, f: RenewRequestFields): Buffer => encoder.encode(f.messageId, f.replyTo, f.trackingId, f.sessionId, f.associatedLinkName);

describe('RenewRequestEncoder', () => {
  const cases: Array<[string, Partial<RenewRequestFields>]> = [
    ['ASCII ids', {}],
    ['no associated-link-name', { associatedLinkName: undefined }],
    ['a multi-byte UTF-8 session id', { sessionId: 'sessión-日本-🚀' }],
    ['an empty session id', { sessionId: '' }],
    ['a session id of 255 bytes (str8)', { sessionId: 'x'.repeat(255) }],
    ['a session id of 256 bytes (str32)', { sessionId: 'x'.repeat(256) }],
    ['a longer message id (the counter gained a digit)', { messageId: `${base.messageId}0` }],
    ['control characters in the ids', { sessionId: '\u0001\u0011', associatedLinkName: '\u0002' }],
  ];

  it.each(cases)('encodes byte for byte what rhea encodes: %s', (_name, change) => {
    const encoder = new RenewRequestEncoder();
    const fields = { ...base, ...change };
    expect(encode(encoder, fields).equals(rhea(fields))).toBe(true);
    // Again from the template, with other strings of the same byte lengths.
    const other = { ...fields, trackingId: 'f'.repeat(fields.trackingId.length), messageId: fields.messageId.replace(/1$/, '7') };
    expect(encode(encoder, other).equals(rhea(other))).toBe(true);
  });

  it('one encoder serves many sessions, shapes and reply addresses', () => {
    const encoder = new RenewRequestEncoder();
    for (let i = 0; i < 300; i++) {
      const fields = { ...base, messageId: `${base.messageId}${i}`, sessionId: `s-${i}`, replyTo: i < 150 ? base.replyTo : 'another-reply-to' };
      expect(encode(encoder, fields).equals(rhea(fields))).toBe(true);
    }
  });

  it('alternating shapes (with and without a link name, other lengths) each get their own bytes', () => {
    const encoder = new RenewRequestEncoder();
    for (let i = 0; i < 40; i++) {
      const fields = { ...base, sessionId: 's'.repeat(i % 3), associatedLinkName: i % 2 === 0 ? undefined : base.associatedLinkName };
      expect(encode(encoder, fields).equals(rhea(fields))).toBe(true);
    }
  });

  it('encodes with rhea only to build a template per shape of ids', () => {
    const encoder = new RenewRequestEncoder();
    const spy = jest.spyOn(rheaMessage, 'encode');
    try {
      encode(encoder, base);
      const built = spy.mock.calls.length;
      for (let i = 0; i < 50; i++) encode(encoder, { ...base, sessionId: `session-${i % 10}` });
      expect(spy.mock.calls.length).toBe(built);
    } finally {
      spy.mockRestore();
    }
  });

  it('decodes into the request with its strings', () => {
    const decoded = rheaMessage.decode(encode(new RenewRequestEncoder(), base));
    expect(decoded.message_id).toBe(base.messageId);
    expect(decoded.reply_to).toBe(base.replyTo);
    expect(decoded.application_properties).toEqual({
      operation: 'com.microsoft:renew-session-lock',
      'com.microsoft:tracking-id': base.trackingId,
      'associated-link-name': base.associatedLinkName,
    });
    expect(decoded.body).toEqual({ 'session-id': base.sessionId });
  });
});
