import { EventEmitter } from 'node:events';
import type { Connection, Container, Receiver, Sender, Session } from 'rhea';
import { rheaLog, type DispatchingEmitter } from './internals';
import { observersIfAny } from './lazyObservers';

const emit = EventEmitter.prototype.emit;
const LOUD = Symbol('quietDispatch');
type Quiet = DispatchingEmitter & { [LOUD]: DispatchingEmitter['dispatch'] };

/**
 * rhea's `dispatch` (`link.js`, `session.js`, `connection.js`, `container.js`) on one link, session,
 * connection or container, without its per-event garbage: rhea logs every event through a disabled
 * `debug` call (an argument array each), emits on the observers even when none listen, copies the
 * listener array (`listeners(name).length`) to count it, and passes `arguments` up the chain
 * (link → session → connection → container, where the container emits again). Here each level counts
 * its listeners (`listenerCount`) and emits only where there are some, with the same results: the
 * same listeners called in the same order with the same context, the same return value. An event
 * with other than one argument, `error`, or any event while rhea's `events` logging is on goes
 * through rhea's own `dispatch`. Instance-level (or prototype-level, for objects the broker creates
 * itself): other rhea objects are unaffected. Observers made lazily ({@link observersIfAny}) are not made here.
 */
export function quietDispatch(target: Sender | Receiver | Session | Connection | Container, level: 'link' | 'session' | 'connection' | 'container'): void {
  const quiet = target as unknown as Quiet;
  if (quiet.dispatch === QUIET[level]) return; // already quiet (e.g. from its prototype)
  quiet[LOUD] = quiet.dispatch;
  quiet.dispatch = QUIET[level];
}

/** A link's or session's observers, then its own listeners (if any); true when it had listeners of its own. */
function emitWithObservers(target: Quiet, name: string, context: unknown): boolean {
  const observers = observersIfAny(target);
  if (observers !== undefined && observers.listenerCount(name) !== 0) emit.call(observers, name, context);
  if (target.listenerCount(name) === 0) return false;
  emit.call(target, name, context);
  return true;
}

/** The quiet `dispatch` of each level (shared: no closure per object). Plain `arguments.length` keeps `arguments` unmaterialised. */
const QUIET = {
  /** `link.dispatch`: the observers, then the link's listeners, else up to its session. */
  link(this: Quiet, name: string, context: unknown): boolean {
    if (arguments.length !== 2 || name === 'error' || rheaLog.events.enabled === true) return this[LOUD].apply(this, arguments as unknown as [string, ...unknown[]]);
    return emitWithObservers(this, name, context) || this.session!.dispatch(name, context);
  },
  /** `Session.prototype.dispatch`: the observers, then the session's listeners, else up to its connection. */
  session(this: Quiet, name: string, context: unknown): boolean {
    if (arguments.length !== 2 || name === 'error' || rheaLog.events.enabled === true) return this[LOUD].apply(this, arguments as unknown as [string, ...unknown[]]);
    return emitWithObservers(this, name, context) || this.connection!.dispatch(name, context);
  },
  /** `Connection.prototype.dispatch`: the connection's listeners, else up to its container (if any). */
  connection(this: Quiet, name: string, context: unknown): boolean {
    if (arguments.length !== 2 || name === 'error' || rheaLog.events.enabled === true) return this[LOUD].apply(this, arguments as unknown as [string, ...unknown[]]);
    if (this.listenerCount(name) !== 0) {
      emit.call(this, name, context);
      return true;
    }
    const container = this.container;
    return container ? container.dispatch(name, context) : false;
  },
  /** `Container.prototype.dispatch`: the container's listeners; true if any are left after the emit. */
  container(this: Quiet, name: string, context: unknown): boolean {
    if (arguments.length !== 2 || name === 'error' || rheaLog.events.enabled === true) return this[LOUD].apply(this, arguments as unknown as [string, ...unknown[]]);
    if (this.listenerCount(name) === 0) return false;
    emit.call(this, name, context);
    return this.listenerCount(name) !== 0;
  },
};

/**
 * False only when `link.dispatch(name, context)` would call no listener: every level of the link's chain
 * (link, session, connection, container) dispatches quietly and none has an observer or listener for
 * `name`, and rhea's `events` logging is off. The caller may then skip the event and its context object.
 */
export function wouldDispatch(link: unknown, name: string): boolean {
  if (rheaLog.events.enabled === true) return true;
  const l = link as Quiet;
  if (l.dispatch !== QUIET.link || hasObserver(l, name) || l.listenerCount(name) !== 0) return true;
  const session = l.session as unknown as Quiet;
  if (session.dispatch !== QUIET.session || hasObserver(session, name) || session.listenerCount(name) !== 0) return true;
  const connection = session.connection as unknown as Quiet;
  if (connection.dispatch !== QUIET.connection || connection.listenerCount(name) !== 0) return true;
  const container = connection.container as unknown as Quiet | undefined;
  if (!container) return false;
  return container.dispatch !== QUIET.container || container.listenerCount(name) !== 0;
}

/** True when `target` has observers (made already) listening for `name`. */
function hasObserver(target: Quiet, name: string): boolean {
  const observers = observersIfAny(target);
  return observers !== undefined && observers.listenerCount(name) !== 0;
}
