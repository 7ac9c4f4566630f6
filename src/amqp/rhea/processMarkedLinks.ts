import type { Connection, link as RheaLink, Session } from 'rhea';

/** The rhea internals this module relies on (rhea 3.x): a session's links by name and its pass. */
interface SessionInternals {
  links: Record<string, RheaLink>;
  _process(): void;
}
/** rhea links ask their connection for a processing pass with `connection._register()`. */
interface LinkInternals {
  connection: Connection & { _register(): void };
}

/** What {@link processMarkedLinks} gives back: how a link joins the marked-links regime. */
export interface LinkMarker {
  /** Call right after rhea created `link` on the session: from now on its own requests for a pass mark it. */
  track(link: RheaLink): void;
}

const NO_LINKS: Record<string, RheaLink> = Object.freeze({}) as Record<string, RheaLink>;

/**
 * Makes rhea's processing pass visit only the links of `session` that asked for one. rhea's pass
 * visits every link of every session of the connection each time anything happens on it (a settlement,
 * a credit, a reply on another link): with thousands of session receivers that is thousands of calls
 * and a fresh key array of each session's links per pass, on every renewal reply — the client's main
 * CPU cost and garbage at scale. A link only has something to write after a state change it announces
 * with `connection._register()` (attach, credit, detach, a settlement): tracked links announce
 * through a per-link stand-in of the connection that marks them first, and the pass sees the marked
 * links only. Session-level work (begin, end, flow, dispositions) is unchanged. Instance-level: other
 * sessions are untouched. Only for sessions with receivers alone (no sender needs a `sendable` pass).
 */
export function processMarkedLinks(session: Session): LinkMarker {
  const internals = session as unknown as SessionInternals;
  const pass = internals._process;
  const marked = new Set<RheaLink>();
  internals._process = function (this: SessionInternals): void {
    const all = this.links;
    this.links = visitOnly(marked, all);
    try {
      pass.call(this);
    } finally {
      this.links = all;
    }
  };
  // One stand-in prototype per session: a link's stand-in is an object of its own holding the link
  // alone (a closure, its context and a stand-in with an own method per link cost ~0.15 KB).
  let standInPrototype: StandIn | undefined;
  return {
    track(link: RheaLink): void {
      const l = link as unknown as LinkInternals;
      const connection = l.connection;
      if (standInPrototype === undefined || Object.getPrototypeOf(standInPrototype) !== connection) {
        const prototype = Object.create(connection) as StandIn;
        prototype._register = function (this: StandIn): void {
          marked.add(this.markedLink);
          connection._register();
        };
        standInPrototype = prototype;
      }
      const standIn = Object.create(standInPrototype) as StandIn;
      standIn.markedLink = link;
      l.connection = standIn;
      // rhea asked for the attach's pass before the link could be tracked.
      marked.add(link);
    },
  };
}

/** A link's stand-in for its connection: inherits everything from it, and marks the link on `_register()`. */
type StandIn = LinkInternals['connection'] & { markedLink: RheaLink };

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
