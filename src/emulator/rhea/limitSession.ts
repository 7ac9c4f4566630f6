import type { Delivery, EventContext, Receiver, Session, link as RheaLink } from 'rhea';
import { message as outcomes } from './codec';
import { dispatchingLink, linkInternals, sessionInternals, type DeliveryRange, type FrameOf, type IncomingDelivery, type SessionInternals } from './internals';
import { internScalars } from './internScalars';

/** What one AMQP session of a client may do (see `EmulatorLimits`). */
export interface SessionLimits {
  readonly maxMessageBytes: number;
  readonly handleMax: number;
  readonly maxLinksPerConnection: number;
  readonly maxLinkCredit: number;
}

/** Links attached on one connection, shared by its sessions. */
export interface LinkCount {
  links: number;
}

/** Reports a violation: the connection is closed with this error. */
export type Violation = (condition: string, description: string) => void;

const RESOURCE_LIMIT = 'amqp:resource-limit-exceeded';
const MESSAGE_SIZE_EXCEEDED = 'amqp:link:message-size-exceeded';

/**
 * Puts `session` (a client's AMQP session on the broker) under limits, instance-level, in front of rhea:
 *
 * - dispositions cost O(deliveries held), not O(range): rhea loops from `first` to `last`, so one
 *   disposition with first=0, last=2^32-1 stalled the broker for 20–36 s; the range is clamped to the
 *   ids rhea actually holds;
 * - a transfer's bytes count against `maxMessageBytes` as they arrive (on every link, `$cbs` and
 *   `$management` included): past it the delivery's bytes are dropped as they come and, once it ends,
 *   it is rejected with `amqp:link:message-size-exceeded` without reaching the link's handlers; a
 *   delivery still coming past 4× the limit (at least 16 MiB) is a violation (`amqp:resource-limit-exceeded`);
 * - a link's remote handle is recorded (rhea leaves it undefined, so detached links were never freed);
 * - a transfer beyond the session's incoming window, a handle above `handleMax` or already in use, more
 *   than `maxLinksPerConnection` links and a credit above `maxLinkCredit` are violations (`violate`).
 */
export function limitSession(session: Session, limits: SessionLimits, count: LinkCount, violate: Violation): void {
  const s = sessionInternals(session) as LimitedSession;
  // One state object and shared handlers (not six closures per session): a client may open thousands
  // of sessions, and each one's broker-side cost is what a flood of begins makes the broker hold.
  s[STATE] = {
    limits,
    count,
    violate,
    links: 0,
    inProgress: undefined,
    onDisposition: s.on_disposition,
    onTransfer: s.on_transfer,
    onAttach: s.on_attach,
    onDetach: s.on_detach,
    onEnd: s.on_end,
    onFlow: s.on_flow,
  };
  s.on_disposition = limitedDisposition;
  s.on_attach = limitedAttach;
  s.on_detach = limitedDetach;
  s.on_end = limitedEnd;
  s.on_flow = limitedFlow;
  s.on_transfer = limitedTransfer;
}

const STATE = Symbol('limitSession');

/** What {@link limitSession} keeps per session: its limits and rhea's handlers it wraps. */
interface SessionState {
  readonly limits: SessionLimits;
  readonly count: LinkCount;
  readonly violate: Violation;
  /** Links attached on this session. */
  links: number;
  /** Bytes received so far of each link's incomplete delivery (created on the first such delivery). */
  inProgress: Map<RheaLink, number> | undefined;
  readonly onDisposition: SessionInternals['on_disposition'];
  readonly onTransfer: SessionInternals['on_transfer'];
  readonly onAttach: SessionInternals['on_attach'];
  readonly onDetach: SessionInternals['on_detach'];
  readonly onEnd: SessionInternals['on_end'];
  readonly onFlow: SessionInternals['on_flow'];
}

type LimitedSession = SessionInternals & { [STATE]: SessionState };

function limitedDisposition(this: LimitedSession, frame: FrameOf<DeliveryRange>): void {
  const fields = frame.performative;
  const deliveries = fields.role ? this.outgoing.deliveries : this.incoming.deliveries;
  const head = deliveries.get_head();
  const first = fields.first;
  const last = fields.last ?? first;
  if (head === undefined || typeof first !== 'number' || typeof last !== 'number') return;
  const from = Math.max(first, head.id);
  const to = Math.min(last, head.id + deliveries.size - 1);
  if (from > to) return;
  fields.first = from;
  fields.last = to;
  this[STATE].onDisposition.call(this, frame);
}

function limitedAttach(this: LimitedSession, frame: FrameOf<{ handle?: unknown }>): void {
  const state = this[STATE];
  const { limits, count, violate } = state;
  const handle = frame.performative.handle;
  if (typeof handle !== 'number' || handle > limits.handleMax) {
    return violate(RESOURCE_LIMIT, `An attach used handle ${String(handle)}, above handle-max ${limits.handleMax}.`);
  }
  const previous = this.remote.handles[handle];
  if (previous !== undefined) {
    // A peer may reuse a handle as soon as it sent its detach (rhea clients do), before rhea's deferred
    // removal of the old link ran: the old link must then not free the new one's handle.
    if (previous.is_remote_open()) return violate('amqp:session:handle-in-use', `Handle ${handle} is already in use.`);
    linkInternals(previous).remote.handle = undefined;
  }
  if (count.links >= limits.maxLinksPerConnection) {
    return violate(RESOURCE_LIMIT, `More than ${limits.maxLinksPerConnection} links on one connection.`);
  }
  count.links++;
  state.links++;
  state.onAttach.call(this, frame);
  // rhea 3.0.5 records `frame.handle` (undefined) as the link's remote handle, so `remove_link` never
  // frees the handle: every attach would stay mapped (a leak, and a reused handle would look in use).
  const link = this.remote.handles[handle];
  if (link === undefined) return;
  const remote = linkInternals(link).remote;
  remote.handle = handle;
  // The link keeps its peer's attach as long as it lives: its scalar fields become shared values.
  const fields = remote.attach?.value;
  if (Array.isArray(fields)) internScalars(fields);
}

function limitedDetach(this: LimitedSession, frame: FrameOf<{ handle?: unknown }>): void {
  const state = this[STATE];
  const link = this.remote.handles[frame.performative.handle as number];
  state.onDetach.call(this, frame);
  if (link !== undefined) {
    state.inProgress?.delete(link);
    state.count.links--;
    state.links--;
  }
}

function limitedEnd(this: LimitedSession, frame: unknown): void {
  const state = this[STATE];
  state.count.links -= state.links;
  state.links = 0;
  state.inProgress = undefined;
  state.onEnd.call(this, frame);
}

function limitedFlow(this: LimitedSession, frame: FrameOf<{ link_credit?: unknown }>): void {
  const state = this[STATE];
  const credit = frame.performative.link_credit;
  if (typeof credit === 'number' && credit > state.limits.maxLinkCredit) {
    return state.violate(RESOURCE_LIMIT, `A flow granted ${credit} credit, above the limit of ${state.limits.maxLinkCredit}.`);
  }
  state.onFlow.call(this, frame);
}

function limitedTransfer(this: LimitedSession, frame: FrameOf<{ handle?: unknown; more?: boolean }> & { payload?: Buffer }): void {
  const state = this[STATE];
  const link = this.remote.handles[frame.performative.handle as number];
  if (link === undefined) return state.onTransfer.call(this, frame); // rhea refuses an unknown handle
  const incomplete = linkInternals(link)._incomplete;
  if (incomplete === undefined && this.incoming.deliveries.available() === 0) {
    return state.violate('amqp:session:window-violation', 'A transfer arrived beyond the session incoming window.');
  }
  const bytes = (state.inProgress?.get(link) ?? 0) + (frame.payload?.length ?? 0);
  if (frame.performative.more) (state.inProgress ??= new Map()).set(link, bytes);
  else state.inProgress?.delete(link);
  const limit = limitOf(link, state.limits.maxMessageBytes);
  if (bytes > limit) {
    const most = droppedAtMost(limit);
    if (bytes > most) return state.violate(RESOURCE_LIMIT, `A delivery went on past ${most} bytes, far beyond the maximum message size of ${limit} bytes.`);
    // Too large: keep nothing of it; the link's 'message' for it becomes a rejection (see dropping).
    frame.payload = undefined;
    if (incomplete !== undefined) incomplete.frames = [];
    dropping.set(link, limit);
    rejectDropped(link as Receiver);
  }
  state.onTransfer.call(this, frame);
}

/** The least {@link droppedAtMost} allows, whatever the limit. */
const ENDLESS_DELIVERY_BYTES = 16 * 1024 * 1024;

/**
 * How many bytes of one too-large delivery are read and dropped before the connection is closed
 * instead: 4× the limit, at least 16 MiB. A client that sent a message somewhat too large gets the
 * rejection; one that streams a delivery without end stops costing the broker reads and buffers.
 */
function droppedAtMost(limit: number): number {
  return Math.max(4 * limit, ENDLESS_DELIVERY_BYTES);
}

/** Links whose current delivery is being dropped as too large → the limit it broke. */
const dropping = new WeakMap<RheaLink, number>();
/** The size limit of `link`: its advertised `max-message-size`, at most the broker's. */
function limitOf(link: RheaLink, broker: number): number {
  const advertised = Number(linkInternals(link).local.attach.max_message_size ?? 0);
  return advertised > 0 ? Math.min(advertised, broker) : broker;
}

const intercepted = new WeakSet<object>();

/**
 * Makes `receiver` settle a delivery whose bytes were dropped as rejected, instead of handing it to its
 * 'message' handlers. Installed once per link, on its first oversize delivery.
 */
function rejectDropped(receiver: Receiver): void {
  if (intercepted.has(receiver)) return;
  intercepted.add(receiver);
  const r = dispatchingLink(receiver);
  const dispatch = r.dispatch;
  r.dispatch = function (this: unknown, event: string, context: EventContext): boolean {
    const delivery = context.delivery as (Delivery & IncomingDelivery) | undefined;
    const limit = dropping.get(receiver);
    if (event === 'message' && delivery !== undefined && limit !== undefined) {
      dropping.delete(receiver);
      const description = `The message exceeds the maximum message size of ${limit} bytes.`;
      delivery.update(true, outcomes.rejected({ error: { condition: MESSAGE_SIZE_EXCEEDED, description } }).described());
      return true;
    }
    return dispatch.call(this, event, context);
  };
}
