import { message as rheaMessage, types, type Message } from 'rhea-promise';
import { bodyTimestampAt, readBodyTimestamp, readReply, timestampAt } from '../../src/amqp/readReply';
import { ReplyForm } from '../../src/amqp/ReplyForm';

const EXPIRY = 1_764_000_000_123;
const READER = {};

/** A renew-session-lock reply as the emulator (and Service Bus) sends it. */
const renewReply = (id: string, expiry: number, change: Partial<Message> = {}): Buffer =>
  rheaMessage.encode({
    correlation_id: id,
    application_properties: { statusCode: types.wrap_int(200), statusDescription: 'OK' },
    body: { expiration: new Date(expiry) },
    ...change,
  });

/** The form of a reply read whole, as RequestResponseLink keeps it. */
function formOf(bytes: Buffer): ReplyForm {
  const head = readReply(bytes)!;
  const at = bodyTimestampAt(bytes, head.bodyAt, 'expiration');
  expect(at).toBeGreaterThan(0);
  return ReplyForm.of(bytes, head.idAt, head.idEnd, at, at + 8, READER)!;
}

describe('ReplyForm', () => {
  it('a reply that differs only in its correlation id and expiry has the form; both are read where the form has them, as readReply reads them', () => {
    const form = formOf(renewReply('prefix:42', EXPIRY));
    const next = renewReply('prefix:43', EXPIRY + 30_000);
    expect(form.matches(next)).toBe(true);
    const head = readReply(next)!;
    expect(next.toString('utf8', form.idAt, form.idEnd)).toBe(head.correlationId);
    expect(timestampAt(next, form.valueAt)).toEqual(readBodyTimestamp(next, head.bodyAt, 'expiration'));
    expect(form.reader).toBe(READER);
  });

  it.each<[string, Buffer]>([
    ['another status', renewReply('prefix:43', EXPIRY, { application_properties: { statusCode: types.wrap_int(201), statusDescription: 'OK' } })],
    ['another description', renewReply('prefix:43', EXPIRY, { application_properties: { statusCode: types.wrap_int(200), statusDescription: 'Ok' } })],
    ['a longer id', renewReply('prefix:430', EXPIRY)],
    ['another key', rheaMessage.encode({ correlation_id: 'prefix:43', application_properties: { statusCode: types.wrap_int(200), statusDescription: 'OK' }, body: { expiratioN: new Date(EXPIRY) } })],
    ['a message id', renewReply('prefix:43', EXPIRY, { message_id: 'm' })],
  ])('a reply with %s does not have the form', (_name, reply) => {
    expect(formOf(renewReply('prefix:42', EXPIRY)).matches(reply)).toBe(false);
  });

  it('any byte changed outside the id and the value breaks the form; inside them, the form holds and reads what readReply reads', () => {
    const first = renewReply('prefix:42', EXPIRY);
    const form = formOf(first);
    const base = renewReply('prefix:77', EXPIRY + 1);
    for (let i = 0; i < base.length; i++) {
      const changed = Buffer.from(base);
      changed[i] = (changed[i]! + 1) & 0xff;
      const inside = (i >= form.idAt && i < form.idEnd) || (i >= form.valueAt && i < form.valueEnd);
      expect(form.matches(changed)).toBe(inside);
      if (!inside) continue;
      const head = readReply(changed)!;
      expect(changed.toString('utf8', form.idAt, form.idEnd)).toBe(head.correlationId);
      expect(timestampAt(changed, form.valueAt).getTime()).toEqual(readBodyTimestamp(changed, head.bodyAt, 'expiration')?.getTime());
    }
  });

  it('has no form when the id does not come before the value', () => {
    const bytes = renewReply('prefix:42', EXPIRY);
    expect(ReplyForm.of(bytes, 50, 40, 60, 68, READER)).toBeUndefined();
    expect(ReplyForm.of(bytes, 10, 20, 15, 23, READER)).toBeUndefined();
    expect(ReplyForm.of(bytes, 10, 20, 30, bytes.length + 1, READER)).toBeUndefined();
  });
});
