import type { link as RheaLink, Session } from 'rhea';
import { passInternals, registeringLink, type PassInternals, type RegisteringLink } from './internals';

const marks = new WeakMap<Session, Set<RheaLink>>();
const NO_LINKS: Record<string, RheaLink> = Object.freeze({}) as Record<string, RheaLink>;

/**
 * Makes rhea's processing pass over `session` visit only the links that asked for one since the last
 * pass (see {@link trackLink}), instead of every link: a client holding thousands of session receivers
 * on one connection would otherwise cost a visit of each of them, and a fresh key array per session,
 * on every frame the broker answers. When the session's outgoing buffer was full before the pass,
 * rhea may have senders to wake up: that pass visits every link, as rhea does. Instance-level.
 */
export function processMarkedLinks(session: Session): void {
  const internals = passInternals(session);
  const pass = internals._process;
  const marked = new Set<RheaLink>();
  marks.set(session, marked);
  internals._process = function (this: PassInternals): void {
    if (this.outgoing.deliveries.available() === 0) {
      marked.clear();
      return pass.call(this);
    }
    const all = this.links;
    this.links = visitOnly(marked, all);
    try {
      pass.call(this);
    } finally {
      this.links = all;
    }
  };
}

/**
 * Call when rhea opened `link` (its `sender_open` / `receiver_open`): from then on the link's own
 * requests for a pass (attach, credit, detach, settlements) mark it for its session's next pass. No-op
 * for a link on a session without {@link processMarkedLinks}.
 */
export function trackLink(link: RheaLink): void {
  const l = registeringLink(link);
  const marked = marks.get(l.session);
  if (marked === undefined) return;
  const connection = l.connection;
  const standIn = Object.create(connection) as RegisteringLink['connection'];
  standIn._register = () => {
    marked.add(link);
    connection._register();
  };
  l.connection = standIn;
  // rhea asked for the attach's pass before this call.
  marked.add(link);
}

/**
 * Marks `link` for its session's next pass and asks for one: for state changes rhea makes without
 * asking (`set_drained` sets `issue_flow` and relies on a pass visiting every link).
 */
export function markLink(link: RheaLink): void {
  const l = registeringLink(link);
  marks.get(l.session)?.add(link);
  l.connection._register();
}

/**
 * The marked links still on the session, by name; clears the marks (those made during the pass that
 * follows are for the next one).
 */
function visitOnly(marked: Set<RheaLink>, all: Record<string, RheaLink>): Record<string, RheaLink> {
  if (marked.size === 0) return NO_LINKS;
  const only: Record<string, RheaLink> = {};
  for (const link of marked) if (all[link.name] === link) only[link.name] = link;
  marked.clear();
  return only;
}
