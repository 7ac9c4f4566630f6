/**
 * Contract test for the broker's linkContexts (src/emulator/rhea/linkContexts.ts): the event contexts it
 * makes in one object must be what rhea's `_context` chain (`link.js`, `session.js`, `connection.js`)
 * makes of the same fields: the same keys in the same order, the same values.
 */
import { createHash } from 'node:crypto';
import type { Receiver, Sender } from 'rhea';
import { receiverMessageContext, senderDeliveryContext } from '../../src/emulator/rhea/linkContexts';
import { next, openSession, rheaPair, type RheaPair } from './rheaPair';

/** sha256 of rhea 3.0.5's `link._context`, `Session.prototype._context` and `Connection.prototype._context`. */
const SOURCES_SHA256 = {
  link: '279ffe086946a034a845ad3291ee008a3a652affb705e1ac81e9c1d82480f16f',
  session: '6f18efad2aca0307dad803f3d3471182df47b7e6e146cdb47716a4967969305d',
  connection: '9ad4353888fe64ffdf7c35661a2e6c97a12e108eab377838e21cc4d0f61a48fc',
};

const sha256 = (f: unknown): string => createHash('sha256').update(String(f)).digest('hex');

function assume(holds: boolean, what: string): void {
  if (!holds) throw new Error(`rhea changed: ${what} no longer holds (the broker's rhea/linkContexts.ts restates it; re-read rhea's _context chain)`);
}

type Contexting = { _context(extra: object): Record<string, unknown> };

let pair: RheaPair;
let sender: Sender;
let receiver: Receiver;
beforeEach(async () => {
  pair = await rheaPair();
  const session = await openSession(pair.client);
  sender = session.attach_sender({ target: { address: 'q' } });
  receiver = session.attach_receiver({ source: { address: 'q' } });
  await Promise.all([next(sender, 'sender_open'), next(receiver, 'receiver_open')]);
});
afterEach(() => pair.close());

it("rhea's _context chain is the code the broker restates", () => {
  assume(sha256((require('rhea/lib/link.js') as { Sender: { prototype: { _context: unknown } } }).Sender.prototype._context) === SOURCES_SHA256.link, "rhea's link._context is 3.0.5's");
  assume(sha256((require('rhea/lib/session.js') as { prototype: { _context: unknown } }).prototype._context) === SOURCES_SHA256.session, "rhea's Session.prototype._context is 3.0.5's");
  assume(sha256((require('rhea/lib/connection.js') as { prototype: { _context: unknown } }).prototype._context) === SOURCES_SHA256.connection, "rhea's Connection.prototype._context is 3.0.5's");
});

/** The same keys in the same order, each the same value. */
function expectSame(ours: object, theirs: Record<string, unknown>): void {
  expect(Object.keys(ours)).toEqual(Object.keys(theirs));
  for (const key of Object.keys(theirs)) expect([key, (ours as Record<string, unknown>)[key] === theirs[key]]).toEqual([key, true]);
}

it("a sender's delivery context is rhea's", () => {
  const delivery = { id: 1 };
  const theirs = (sender as unknown as Contexting)._context({ delivery });
  expect(Object.keys(theirs)).toEqual(['delivery', 'sender', 'session', 'connection', 'container']);
  expectSame(senderDeliveryContext(sender, delivery), theirs);
});

it("a receiver's message context is rhea's", () => {
  const [message, delivery, format] = [Buffer.from('m'), { id: 2 }, -1];
  const theirs = (receiver as unknown as Contexting)._context({ message, delivery, format });
  expect(Object.keys(theirs)).toEqual(['message', 'delivery', 'format', 'receiver', 'session', 'connection', 'container']);
  expectSame(receiverMessageContext(receiver, message, delivery, format), theirs);
});

it("a link of the other role, or a chain that is not rhea's, gets rhea's own context", () => {
  const delivery = { id: 3 };
  // A sender where a receiver is expected (a peer's transfer on a sender's handle) and the reverse.
  expectSame(receiverMessageContext(sender, 'm', delivery, 0), (sender as unknown as Contexting)._context({ message: 'm', delivery, format: 0 }));
  expectSame(senderDeliveryContext(receiver, delivery), (receiver as unknown as Contexting)._context({ delivery }));
  // A link whose _context is its own.
  const own = (extra: object): object => ({ ...extra, own: true });
  Object.defineProperty(sender, '_context', { value: own, configurable: true, writable: true });
  expect(senderDeliveryContext(sender, delivery)).toEqual({ delivery, own: true });
});
