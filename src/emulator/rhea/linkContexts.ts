import type { EventContext } from 'rhea';
import { rheaConnectionParts, rheaEndpoints } from './internals';

/** rhea's `_context` of links (`link.js`), sessions (`session.js`) and connections (`connection.js`). */
const LINK_CONTEXT = (rheaEndpoints.Sender.prototype as { _context?: unknown })._context;
const SESSION_CONTEXT = (rheaEndpoints.Session.prototype as { _context?: unknown })._context;
const CONNECTION_CONTEXT = (rheaConnectionParts.Connection.prototype as { _context?: unknown })._context;

/** The members of a link's chain rhea's `_context` reads. */
interface ContextLink {
  _context(extra: object): EventContext;
  is_receiver(): boolean;
  readonly session: { _context: unknown; readonly connection: { _context: unknown; readonly container?: unknown } };
}

/**
 * True when `link._context(extra)` is rhea's chain and puts every one of its keys on `extra`: the link (as
 * `receiver` when `receiver`, else as `sender`), its session, its connection and a container.
 */
function rheaChain(link: ContextLink, receiver: boolean): boolean {
  const session = link.session;
  const connection = session.connection;
  return (
    link._context === LINK_CONTEXT &&
    session._context === SESSION_CONTEXT &&
    connection._context === CONNECTION_CONTEXT &&
    !!connection.container &&
    link.is_receiver() === receiver
  );
}

/** `{ delivery }` with what rhea's `_context` adds for a sender, in its order, its fields made at once. */
class SenderDeliveryContext {
  constructor(
    readonly delivery: unknown,
    readonly sender: unknown,
    readonly session: unknown,
    readonly connection: unknown,
    readonly container: unknown,
  ) {}
}

/** `{ message, delivery, format }` with what rhea's `_context` adds for a receiver, in its order, its fields made at once. */
class ReceiverMessageContext {
  constructor(
    readonly message: unknown,
    readonly delivery: unknown,
    readonly format: unknown,
    readonly receiver: unknown,
    readonly session: unknown,
    readonly connection: unknown,
    readonly container: unknown,
  ) {}
}

/**
 * `sender._context({ delivery })` (rhea: a one-field literal to which the chain adds `sender`, `session`,
 * `connection` and `container`, growing a property store for them on every outgoing settlement): the same
 * keys in the same order with the same values, in one object. rhea's own call whenever the chain is not
 * rhea's or the connection has no container.
 */
export function senderDeliveryContext(link: object, delivery: unknown): EventContext {
  const sender = link as ContextLink;
  if (!rheaChain(sender, false)) return sender._context({ delivery });
  const session = sender.session;
  return new SenderDeliveryContext(delivery, sender, session, session.connection, session.connection.container) as unknown as EventContext;
}

/**
 * `receiver._context({ message, delivery, format })` (rhea's `Incoming.on_transfer` for a message it does
 * not decode), as {@link senderDeliveryContext}: the same keys, order and values, in one object.
 */
export function receiverMessageContext(link: object, message: unknown, delivery: unknown, format: unknown): EventContext {
  const receiver = link as ContextLink;
  if (!rheaChain(receiver, true)) return receiver._context({ message, delivery, format });
  const session = receiver.session;
  return new ReceiverMessageContext(message, delivery, format, receiver, session, session.connection, session.connection.container) as unknown as EventContext;
}
