/**
 * Contract test for the broker's quietDispatch (src/emulator/rhea/quietDispatch.ts), which restates
 * rhea's `dispatch` of links, sessions, connections and containers without the per-event garbage: the
 * restatement must be of the code rhea runs (sources pinned by sha256), and for every arrangement of
 * listeners (observers, link, session, connection, container, a `once` listener on the container) a
 * dispatch must call the same listeners in the same order with the same context and return the same
 * value as rhea's own; `wouldDispatch(link, name)` is false exactly when a link's dispatch calls no listener.
 */
import { createHash } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import type { Connection, Container, Session } from 'rhea';
import { quietDispatch, wouldDispatch } from '../../src/emulator/rhea/quietDispatch';
import { next, rheaPair, type RheaPair } from './rheaPair';

const rheaLink = Object.getPrototypeOf((require('rhea/lib/link.js') as { Sender: { prototype: object } }).Sender.prototype) as { dispatch: unknown };
const rheaSession = (require('rhea/lib/session.js') as { prototype: { dispatch: unknown } }).prototype;
const rheaConnection = (require('rhea/lib/connection.js') as { prototype: { dispatch: unknown } }).prototype;
const rheaContainer = Object.getPrototypeOf(require('rhea')) as { dispatch: unknown };

/** sha256 of rhea 3.0.5's dispatch sources, the code quietDispatch restates. */
const SHA256 = {
  link: '3cadf0ee5c363792b9a5adf9ff807adc57835c962e01a7784912d600bd1e4aad',
  session: '87d756341a512410bca06401b6fa392664c0779ef2bbfc13fe27ac802c2f329d',
  connection: '634868f2f1ec0516ccc444965172fc383cf41ca4240772f73699686d40143db7',
  container: '62f5e046c4f61c848cba7d0dc6ba478d69553401d98cd9266ad3fc7996701381',
};

function assume(holds: boolean, what: string): void {
  if (!holds) throw new Error(`rhea changed: ${what} no longer holds (the broker's rhea/quietDispatch.ts restates it; re-read link.js, session.js, connection.js and container.js dispatch)`);
}

const sha = (source: unknown): string => createHash('sha256').update(String(source)).digest('hex');

let pair: RheaPair;
beforeEach(async () => {
  pair = await rheaPair();
});
afterEach(() => pair.close());

it("rhea's dispatch functions are the code quietDispatch restates", () => {
  assume(sha(rheaLink.dispatch) === SHA256.link, `link.dispatch is rhea 3.0.5's (sha256 now ${sha(rheaLink.dispatch)})`);
  assume(sha(rheaSession.dispatch) === SHA256.session, `Session.prototype.dispatch is rhea 3.0.5's (sha256 now ${sha(rheaSession.dispatch)})`);
  assume(sha(rheaConnection.dispatch) === SHA256.connection, `Connection.prototype.dispatch is rhea 3.0.5's (sha256 now ${sha(rheaConnection.dispatch)})`);
  assume(sha(rheaContainer.dispatch) === SHA256.container, `Container.prototype.dispatch is rhea 3.0.5's (sha256 now ${sha(rheaContainer.dispatch)})`);
});

it('a quiet dispatch calls the listeners rhea calls, in order, with the same context, and returns what rhea returns', async () => {
  const receiver = pair.client.open_receiver({ source: { address: 'q' } });
  await next(receiver, 'receiver_open');
  const sender = await pair.nextSender();
  const session = sender.session as Session;
  const connection = sender.connection as Connection;
  const container = pair.peer;
  type Level = 'linkObservers' | 'link' | 'sessionObservers' | 'session' | 'connection' | 'container' | 'containerOnce';
  const emitters: Record<Level, EventEmitter> = {
    linkObservers: (sender as unknown as { observers: EventEmitter }).observers,
    link: sender as unknown as EventEmitter,
    sessionObservers: (session as unknown as { observers: EventEmitter }).observers,
    session: session as unknown as EventEmitter,
    connection: connection as unknown as EventEmitter,
    container: container as unknown as EventEmitter,
    containerOnce: container as unknown as EventEmitter,
  };
  const levels = Object.keys(emitters) as Level[];
  const dispatchers = { link: sender, session, connection, container } as unknown as Record<string, { dispatch(name: string, context: unknown): boolean }>;
  /** Every arrangement of listeners, dispatched from each level: what was called with what, and the result. */
  const run = (): string[] => {
    const seen: string[] = [];
    const quiet = (sender as unknown as { dispatch: unknown }).dispatch !== rheaLink.dispatch;
    for (let mask = 0; mask < 1 << levels.length; mask++) {
      for (const [from, target] of Object.entries(dispatchers)) {
        const name = `contract_event_${mask}`;
        const context = { mask };
        const calls: string[] = [];
        levels.forEach((level, bit) => {
          if ((mask & (1 << bit)) === 0) return;
          const listener = (value: unknown): void => void calls.push(`${level}:${value === context ? 'same' : 'other'}`);
          if (level === 'containerOnce') emitters[level].once(name, listener);
          else emitters[level].on(name, listener);
        });
        const would = from === 'link' && quiet ? wouldDispatch(sender, name) : undefined;
        const result = target.dispatch(name, context);
        if (would !== undefined && would !== calls.length > 0) seen.push(`${mask}: wouldDispatch ${would}, ${calls.length} listeners called`);
        for (const level of levels) emitters[level].removeAllListeners(name);
        seen.push(`${mask} from ${from}: [${calls.join(',')}] -> ${result}`);
      }
    }
    return seen;
  };
  const rhea = run();
  quietDispatch(sender, 'link');
  quietDispatch(session, 'session');
  quietDispatch(connection, 'connection');
  quietDispatch(container as Container, 'container');
  assume((sender as unknown as { dispatch: unknown }).dispatch !== rheaLink.dispatch, 'the quiet dispatch is installed on the instance');
  expect(run()).toEqual(rhea);
  // Unchanged elsewhere: rhea's prototypes keep their dispatch.
  expect(sha(rheaLink.dispatch)).toBe(SHA256.link);
});
