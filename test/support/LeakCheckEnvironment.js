// @ts-check
'use strict';
/**
 * jest's node environment, plus a check that a test file closes what it opened: after the file's
 * tests and hooks, a timer (setTimeout / setInterval, rxjs's asyncScheduler included) created by the
 * file and still pending, or a socket, server or child process still open 2 s later, fails the file
 * with where the timer was created. Such a leftover is what makes jest print "A worker process has
 * failed to exit gracefully" (a worker only exits once its event loop is empty) — this names the test
 * file and the line instead.
 */
const { TestEnvironment } = require('jest-environment-node');

/** How long sockets, servers and child processes get to finish closing after the file's last hook. */
const HANDLE_GRACE_MS = 2_000;
/** Stdio and jest's own pipes are not the test's. */
const IGNORED_HANDLES = new Set(['WriteStream', 'ReadStream', 'Pipe', 'TTY']);

class LeakCheckEnvironment extends TestEnvironment {
  /** @param {ConstructorParameters<typeof TestEnvironment>} args */
  constructor(...args) {
    super(...args);
    /** @type {Map<NodeJS.Timeout, string>} pending timers created by this file → where */
    this.timers = new Map();
    this.testPath = args[1].testPath;
  }

  async setup() {
    await super.setup();
    this.handlesBefore = new Set(activeHandles());
    const g = this.global;
    const timers = this.timers;
    const track = (/** @type {'setTimeout' | 'setInterval'} */ name) => {
      const original = g[name];
      // Captured once per timer: a stack costs microseconds, the suite creates tens of thousands.
      g[name] = /** @type {any} */ (
        function (/** @type {(...a: unknown[]) => void} */ callback, /** @type {number | undefined} */ ms, /** @type {unknown[]} */ ...rest) {
          const where = { stack: '' };
          Error.captureStackTrace(where, g[name]);
          const timer = original(
            function (/** @type {unknown[]} */ ...a) {
              if (name === 'setTimeout') timers.delete(timer);
              return callback.apply(this, a);
            },
            ms,
            ...rest,
          );
          timers.set(timer, `${name}(…, ${ms}) ${where.stack.split('\n').slice(1, 11).map((l) => l.trim()).join(' < ')}`);
          return timer;
        }
      );
    };
    const untrack = (/** @type {'clearTimeout' | 'clearInterval'} */ name) => {
      const original = g[name];
      g[name] = /** @type {any} */ (
        (/** @type {NodeJS.Timeout | undefined} */ timer) => {
          if (timer !== undefined) timers.delete(timer);
          return original(timer);
        }
      );
    };
    track('setTimeout');
    track('setInterval');
    untrack('clearTimeout');
    untrack('clearInterval');
  }

  async teardown() {
    await super.teardown();
    // A socket closed by the file's last hook finishes closing within a few event-loop turns.
    const deadline = Date.now() + HANDLE_GRACE_MS;
    let handles = this.newHandles();
    while (handles.length > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      handles = this.newHandles();
    }
    const timers = [...this.timers].filter(([t]) => t.hasRef()).map(([, where]) => `timer ${where}`);
    const leaks = [...timers, ...handles.map(describeHandle)];
    for (const [t] of this.timers) clearTimeout(t); // let the worker exit anyway
    if (leaks.length > 0) {
      throw new Error(`${this.testPath} left ${leaks.length} open after its tests (close it in an after hook):\n  ${leaks.join('\n  ')}`);
    }
  }

  newHandles() {
    return activeHandles().filter((h) => !this.handlesBefore?.has(h) && !IGNORED_HANDLES.has(h?.constructor?.name));
  }
}

/** @returns {any[]} */
function activeHandles() {
  return /** @type {any} */ (process)._getActiveHandles();
}

/** @param {any} h */
function describeHandle(h) {
  const kind = h?.constructor?.name ?? typeof h;
  if (kind === 'Socket') return `socket ${h.localAddress}:${h.localPort} → ${h.remoteAddress}:${h.remotePort}`;
  if (kind === 'Server') return `server ${JSON.stringify(h.address())}`;
  if (kind === 'ChildProcess') return `child process ${h.pid}: ${(h.spawnargs ?? []).join(' ')}`;
  return kind;
}

module.exports = LeakCheckEnvironment;
