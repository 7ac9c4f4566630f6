import type { link as RheaLink, Session } from 'rhea';
import { passInternals, registeringLink, type PassInternals, type RegisteringLink } from './internals';

const NO_LINKS: Record<string, RheaLink> = Object.freeze({}) as Record<string, RheaLink>;
/** rhea's own `_process` of a session under {@link processMarkedLinks}. */
const PASS = Symbol('processMarkedLinks');
/** The links marked for a session's next pass (made with the first mark). */
const MARKED = Symbol('markedLinks');

type MarkingSession = PassInternals & { [PASS]?: () => void; [MARKED]?: Set<RheaLink> | undefined };

/**
 * Makes rhea's processing pass over `session` visit only the links that asked for one since the last
 * pass (see {@link trackLink}), instead of every link: a client holding thousands of session receivers
 * on one connection would otherwise cost a visit of each of them, and a fresh key array per session,
 * on every frame the broker answers. When the session's outgoing buffer was full before the pass,
 * rhea may have senders to wake up: that pass visits every link, as rhea does. Instance-level; the
 * state is two slots on the session and the pass is shared (a client may open thousands of sessions
 * and links: a closure, a set and a map entry per session, and a closure per link, were ~400 bytes).
 */
export function processMarkedLinks(session: Session): void {
  const s = passInternals(session) as MarkingSession;
  s[PASS] = s._process;
  s[MARKED] = undefined;
  s._process = markedPass;
}

function markedPass(this: MarkingSession): void {
  const marked = this[MARKED];
  if (this.outgoing.deliveries.available() === 0) {
    marked?.clear();
    return this[PASS]!();
  }
  const all = this.links;
  this.links = visitOnly(marked, all);
  try {
    this[PASS]!();
  } finally {
    this.links = all;
  }
}

function mark(session: Session, link: RheaLink): void {
  const s = session as unknown as MarkingSession;
  if (s[PASS] !== undefined) (s[MARKED] ??= new Set()).add(link);
}

/**
 * A tracked link's `connection`: `_register()` marks the link, then asks the real connection for a pass;
 * every other member of the connection is the real connection's (forwarded, see {@link forward}). Not an
 * object made with the connection as its prototype: V8 gives every object used as a prototype a map of its
 * own, so each connection would have its own hidden class, and code optimised for one connection's
 * objects (rhea's `Session._process`, `on_flow`, the write path) was deoptimised ("wrong map") and
 * compiled again by the next connection — the renewal bench's connection, in its measured window.
 */
class LinkConnection {
  constructor(
    readonly real: RegisteringLink['connection'],
    readonly link: RheaLink,
  ) {}

  _register(): void {
    mark(registeringLink(this.link).session, this.link);
    this.real._register();
  }
}

/** The members of a connection {@link LinkConnection} forwards (all but `_register` and its own fields). */
const forwarded = new Set<PropertyKey>(['_register', 'real', 'link', 'constructor']);

/**
 * Makes {@link LinkConnection} forward each member of `connection` (own, then inherited) it does not forward
 * yet: a method is called on the real connection, a field read and written there. The members of the
 * broker's connections are the same for each (rhea's fields, then the broker's, in one order), so after the
 * first connection this only checks.
 */
function forward(connection: object): void {
  for (let o: object | null = connection; o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o) as object | null) {
    for (const key of Reflect.ownKeys(o)) {
      if (forwarded.has(key)) continue;
      forwarded.add(key);
      const descriptor = Object.getOwnPropertyDescriptor(o, key)!;
      if (o !== connection && typeof descriptor.value === 'function') {
        const method = descriptor.value as (...args: unknown[]) => unknown;
        Object.defineProperty(LinkConnection.prototype, key, {
          value: function (this: LinkConnection, ...args: unknown[]): unknown {
            return method.apply(this.real, args);
          },
          writable: true,
          configurable: true,
        });
      } else {
        Object.defineProperty(LinkConnection.prototype, key, {
          get(this: LinkConnection): unknown {
            return (this.real as unknown as Record<PropertyKey, unknown>)[key];
          },
          set(this: LinkConnection, value: unknown) {
            (this.real as unknown as Record<PropertyKey, unknown>)[key] = value;
          },
          configurable: true,
        });
      }
    }
  }
}

/**
 * Call when rhea opened `link` (its `sender_open` / `receiver_open`): from then on the link's own
 * requests for a pass (attach, credit, detach, settlements) mark it for its session's next pass. No-op
 * for a link on a session without {@link processMarkedLinks}.
 */
export function trackLink(link: RheaLink): void {
  const l = registeringLink(link);
  if ((l.session as unknown as MarkingSession)[PASS] === undefined) return;
  forward(l.connection);
  l.connection = new LinkConnection(l.connection, link) as unknown as RegisteringLink['connection'];
  // rhea asked for the attach's pass before this call.
  mark(l.session, link);
}

/**
 * Marks `link` for its session's next pass and asks for one: for state changes rhea makes without
 * asking (`set_drained` sets `issue_flow` and relies on a pass visiting every link).
 */
export function markLink(link: RheaLink): void {
  const l = registeringLink(link);
  mark(l.session, link);
  l.connection._register();
}

/**
 * The marked links still on the session, by name; clears the marks (those made during the pass that
 * follows are for the next one).
 */
function visitOnly(marked: Set<RheaLink> | undefined, all: Record<string, RheaLink>): Record<string, RheaLink> {
  if (marked === undefined || marked.size === 0) return NO_LINKS;
  const only: Record<string, RheaLink> = {};
  for (const link of marked) if (all[link.name] === link) only[link.name] = link;
  marked.clear();
  return only;
}
