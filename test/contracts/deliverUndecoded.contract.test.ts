import { message as rheaMessage, type EventContext, type Session } from 'rhea';
import { deliverUndecoded, UNDECODED_FORMAT } from '../../src/amqp/rhea';
import { assume, next, openSession, rheaPair, until, within, type RheaPair } from './rheaPair';

const HELPER = 'deliverUndecoded';

let pair: RheaPair;
beforeEach(async () => {
  pair = await rheaPair();
});
afterEach(() => pair.close());

function beginSession(): Promise<Session> {
  return openSession(pair.client);
}

it('a session handles each incoming transfer in session.on_transfer(frame), frame.performative.message_format set', async () => {
  const session = await beginSession();
  const s = session as unknown as { on_transfer?: (frame: { performative: { message_format?: number } }) => void };
  assume(typeof s.on_transfer === 'function', HELPER, 'a session has an on_transfer(frame) method (own or inherited) that rhea calls per incoming transfer');
  const formats: Array<number | undefined> = [];
  const own = s.on_transfer!;
  s.on_transfer = function (this: unknown, frame): void {
    formats.push(frame.performative.message_format);
    own.call(this, frame);
  };
  const receiver = session.attach_receiver({ source: { address: 'q' } });
  await next(receiver, 'receiver_open');
  const sender = await pair.nextSender();
  await until(() => sender.sendable(), 'the peer can send');
  sender.send({ body: 'x' });
  await within(next(receiver, 'message'), HELPER, 'a message arrives through session.on_transfer');
  assume(formats.length === 1 && formats[0] === 0, HELPER, 'rhea calls session.on_transfer once per transfer, with message_format 0 for a plain message');
});

it("a transfer whose message_format is not 0 reaches 'message' undecoded: context.message is the Buffer, context.format the format", async () => {
  const session = await beginSession();
  deliverUndecoded(session);
  const receiver = session.attach_receiver({ source: { address: 'q' } });
  await next(receiver, 'receiver_open');
  const sender = await pair.nextSender();
  await until(() => sender.sendable(), 'the peer can send');
  sender.send({ body: 'hello', application_properties: { n: 7 }, message_id: 'm1' });
  const context = await within(next<EventContext>(receiver, 'message'), HELPER, 'a message arrives on a session delivering undecoded');
  const raw = context.message as unknown;
  assume(Buffer.isBuffer(raw), HELPER, 'for a non-zero message_format rhea passes the transfer bytes as context.message');
  assume((context as unknown as { format?: number }).format === UNDECODED_FORMAT, HELPER, 'for a non-zero message_format rhea passes it as context.format');
  const decoded = rheaMessage.decode(raw as Buffer);
  assume(
    decoded.body === 'hello' && decoded.message_id === 'm1' && decoded.application_properties?.['n'] === 7,
    HELPER,
    'rhea.message.decode(bytes) decodes those bytes into the message later',
  );
});
