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

/** The link a {@link trackLink} stand-in connection registers for. */
const LINK = Symbol('trackedLink');
type StandIn = RegisteringLink['connection'] & { [LINK]: RheaLink };

/** A tracked link's `connection._register()`: marks the link, then asks the real connection (the stand-in's prototype) for a pass. */
function registerMarked(this: StandIn): void {
  const link = this[LINK];
  mark(registeringLink(link).session, link);
  (Object.getPrototypeOf(this) as RegisteringLink['connection'])._register();
}

/**
 * Call when rhea opened `link` (its `sender_open` / `receiver_open`): from then on the link's own
 * requests for a pass (attach, credit, detach, settlements) mark it for its session's next pass. No-op
 * for a link on a session without {@link processMarkedLinks}.
 */
export function trackLink(link: RheaLink): void {
  const l = registeringLink(link);
  if ((l.session as unknown as MarkingSession)[PASS] === undefined) return;
  const standIn = Object.create(l.connection) as StandIn;
  standIn[LINK] = link;
  standIn._register = registerMarked;
  l.connection = standIn;
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
