import { message as rheaMessage, types, type Message } from 'rhea';
import { ExpiryBody } from '../../src/emulator/management/ExpiryBody';
import { encodeReply } from '../../src/emulator/management/encodeReply';

/** A reply as handleManagementRequest builds it, with the correlation id requestResponse sets. */
const reply = (correlationId: unknown, body: unknown, statusCode = 200, statusDescription = 'OK'): Message =>
  ({ application_properties: { statusCode: types.wrap_int(statusCode), statusDescription }, body, correlation_id: correlationId }) as unknown as Message;

/** What rhea encodes for the same reply, the body as a plain object. */
const rhea = (m: Message): Buffer => {
  const body = m.body instanceof ExpiryBody ? { expiration: m.body.expiration } : m.body;
  return rheaMessage.encode({ ...m, body } as Message);
};

describe('encodeReply', () => {
  const ids = ['6f1c2d3e-0000-4000-8000-000000000000:1', '', 'x', 'x'.repeat(255), 'x'.repeat(256), 'sessión-日本-🚀', '\u0001\u0011', 'id:10', 'id:9'];
  const expiries = [1_764_000_000_123, 0, -1, -86_400_000_123, 8.64e15, 2 ** 32, 2 ** 32 - 1, 2 ** 31];

  it('writes byte for byte what rhea encodes for a renew-session-lock reply, ids of any length, any expiry', () => {
    for (const id of ids) {
      for (const ms of expiries) {
        const m = reply(id, new ExpiryBody(new Date(ms)));
        expect(encodeReply(m).equals(rhea(m))).toBe(true);
      }
    }
  });

  it('encodes with rhea only to build a template per length of correlation id', () => {
    encodeReply(reply('warm:1', new ExpiryBody(new Date(1))));
    const spy = jest.spyOn(rheaMessage, 'encode');
    try {
      for (let i = 0; i < 50; i++) encodeReply(reply(`warm:${i % 10}`, new ExpiryBody(new Date(i * 1000))));
      expect(spy).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });

  it('decodes into the reply: correlation id, status, expiration', () => {
    const decoded = rheaMessage.decode(encodeReply(reply('c:42', new ExpiryBody(new Date(1_764_000_000_123)))));
    expect(decoded.correlation_id).toBe('c:42');
    expect(decoded.application_properties).toEqual({ statusCode: 200, statusDescription: 'OK' });
    expect(decoded.body).toEqual({ expiration: new Date(1_764_000_000_123) });
  });

  it('leaves every other reply to rhea: other bodies, statuses, correlation ids, invalid dates', () => {
    const expiry = new ExpiryBody(new Date(1_764_000_000_123));
    const others: Message[] = [
      reply('c:1', { expiration: new Date(5) }),
      reply('c:1', expiry, 201),
      reply('c:1', expiry, 200, 'Fine'),
      reply(types.wrap_uuid(Buffer.alloc(16, 7)), expiry),
      reply(42, expiry),
      reply(undefined, expiry),
      reply('c:1', new ExpiryBody(new Date(Number.NaN))),
      { ...reply('c:1', expiry), application_properties: { statusCode: types.wrap_int(200), statusDescription: 'OK', errorCondition: types.wrap_symbol('x') } } as unknown as Message,
    ];
    for (const m of others) expect(encodeReply(m).equals(rhea(m))).toBe(true);
  });
});
