import type { EventContext, Receiver, Session } from 'rhea';
import { leanReceivers } from '../../src/amqp/rhea';
import { assume, next, openSession, PEER_MAX_MESSAGE_SIZE, rheaPair, until, within, type RheaPair } from './rheaPair';

const HELPER = 'leanReceivers';

let pair: RheaPair;
beforeEach(async () => {
  pair = await rheaPair();
});
afterEach(() => pair.close());

function beginSession(lean: boolean): Promise<Session> {
  return openSession(pair.client, lean ? leanReceivers : undefined);
}

const OPTIONS = { source: { address: 'q', filter: { f: 'x' } }, target: { address: 't' }, autoaccept: false, credit_window: 0, properties: { p: 1 } };
/** The getters rhea's link.init defines on every link (link.js `aliases` and `error`). */
const GETTERS = ['snd_settle_mode', 'rcv_settle_mode', 'source', 'target', 'max_message_size', 'offered_capabilities', 'desired_capabilities', 'properties', 'error'];

function ownAccessors(link: object): string[] {
  return Object.entries(Object.getOwnPropertyDescriptors(link))
    .filter(([, d]) => d.get !== undefined)
    .map(([k]) => k);
}

it("rhea's link.init defines the remote-attach getters as own non-enumerable accessors, and its fields as enumerable own properties", async () => {
  const session = await beginSession(false);
  const receiver = session.attach_receiver(OPTIONS);
  const accessors = ownAccessors(receiver);
  for (const name of GETTERS) assume(accessors.includes(name), HELPER, `link.init defines '${name}' as an own accessor of each link`);
  for (const name of accessors) assume(!Object.getOwnPropertyDescriptor(receiver, name)?.enumerable, HELPER, `the own accessor '${name}' is not enumerable`);
  for (const name of ['session', 'connection', 'name', 'options', 'state', 'local', 'remote', 'credit', 'observers']) {
    assume(Object.keys(receiver).includes(name), HELPER, `link.init sets '${name}' as an enumerable own property`);
  }
  assume((receiver as unknown as { constructor: { name: string } }).constructor.name === 'Receiver', HELPER, "rhea's receiver class is named 'Receiver' (how create_link's constructor argument is recognised)");
  const created = session as unknown as { create_link?: unknown };
  assume(typeof created.create_link === 'function', HELPER, 'a session creates its links with session.create_link(name, constructor, options)');
});

it('a lean receiver has no own accessors, is a rhea Receiver, and reads the same through the prototype getters', async () => {
  const plainSession = await beginSession(false);
  const leanSession = await beginSession(true);
  const plain = plainSession.attach_receiver(OPTIONS);
  const lean = leanSession.attach_receiver(OPTIONS);
  assume(ownAccessors(lean).length === 0, HELPER, 'a lean receiver has no own accessors');
  assume(lean instanceof (plain as unknown as { constructor: new () => Receiver }).constructor, HELPER, "a lean receiver is an instance of rhea's Receiver");
  assume(Object.keys(lean).join(',') === Object.keys(plain).join(','), HELPER, 'a lean receiver has the same own fields, in the same order, as a plain one');
  await Promise.all([next(plain, 'receiver_open'), next(lean, 'receiver_open')]);
  for (const name of GETTERS) {
    const a = JSON.stringify((plain as unknown as Record<string, unknown>)[name]);
    const b = JSON.stringify((lean as unknown as Record<string, unknown>)[name]);
    assume(a === b, HELPER, `'${name}' reads the same on a lean receiver (${b}) as on a plain one (${a})`);
  }
  assume(lean.max_message_size === PEER_MAX_MESSAGE_SIZE, HELPER, "a lean receiver's max_message_size reads the peer's attach");
  assume(lean.is_receiver() && !lean.is_sender(), HELPER, 'a lean receiver is a receiver');
  const options = (lean as unknown as { options: Record<string, unknown> }).options;
  assume(Object.getPrototypeOf(options) === Object.prototype && options['autoaccept'] === false && options['credit_window'] === 0, HELPER, "a lean receiver's options are a flat plain object with the same values");
  const senders = leanSession.attach_sender({ target: { address: 'q' } });
  assume(ownAccessors(senders).length > 0, HELPER, 'senders on a lean session are created as before');
});

it('a lean receiver receives, settles and detaches; a detach error reads through the error getter', async () => {
  const session = await beginSession(true);
  const receiver = session.attach_receiver({ source: { address: 'q' }, autoaccept: false });
  await next(receiver, 'receiver_open');
  const sender = await pair.nextSender();
  receiver.add_credit(1);
  await until(() => sender.sendable(), 'the peer can send');
  sender.send({ body: 'lean' });
  const context = await within(next<EventContext>(receiver, 'message'), HELPER, 'a lean receiver gets messages');
  assume(context.message?.body === 'lean', HELPER, 'a lean receiver decodes messages');
  const accepted = next(sender, 'accepted');
  context.delivery?.accept();
  await within(accepted, HELPER, 'a lean receiver settles (accept reaches the peer)');
  const closed = next(receiver, 'receiver_close');
  sender.close({ condition: 'amqp:internal-error', description: 'gone' });
  await within(closed, HELPER, "a lean receiver sees the peer's detach");
  assume((receiver.error as { condition?: string } | undefined)?.condition === 'amqp:internal-error', HELPER, "a lean receiver's error getter reads the peer's detach error");
});
