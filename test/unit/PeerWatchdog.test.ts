import { TestScheduler } from 'rxjs/testing';
import { PeerWatchdog } from '../../src/amqp/PeerWatchdog';

// The watchdog bounding every wait on the broker, in virtual time: `script` runs each step at its
// time; the result is when (and with how many waits) the peer was declared silent.
function run(timeout: number, script: Array<[number, (w: PeerWatchdog) => void]>): Array<[number, number]> {
  const ts = new TestScheduler(() => undefined);
  const fired: Array<[number, number]> = [];
  const watchdog = new PeerWatchdog(timeout, ts, (_silent, waits) => fired.push([ts.now(), waits]));
  for (const [at, step] of script) ts.schedule(() => step(watchdog), at);
  ts.flush();
  return fired;
}

describe('PeerWatchdog', () => {
  it('fires once, `timeout` after a wait began with nothing heard', () => {
    expect(run(10, [[5, (w) => w.begin()]])).toEqual([[15, 1]]);
  });

  it('anything heard from the peer moves the bound', () => {
    expect(run(10, [[0, (w) => w.begin()], [4, (w) => w.heard()], [12, (w) => w.heard()]])).toEqual([[22, 1]]);
  });

  it('never fires while nothing is awaited, however long the silence', () => {
    expect(run(10, [[0, (w) => w.begin()], [3, (w) => w.end()], [100, (w) => w.heard()]])).toEqual([]);
  });

  it('a wait given up and another begun without a word from the peer do not restart the clock', () => {
    expect(run(10, [[0, (w) => w.begin()], [4, (w) => w.end()], [6, (w) => w.begin()]])).toEqual([[10, 1]]);
  });

  it('after the peer spoke, the next wait starts a new clock', () => {
    expect(run(10, [[0, (w) => w.begin()], [4, (w) => w.heard()], [4, (w) => w.end()], [30, (w) => w.begin()]])).toEqual([[40, 1]]);
  });

  it('watch counts a promise as a wait until it settles; stop ends every check', async () => {
    const ts = new TestScheduler(() => undefined);
    const fired: number[] = [];
    const watchdog = new PeerWatchdog(10, ts, () => fired.push(ts.now()));
    let answer!: () => void;
    const watched = watchdog.watch(new Promise<void>((resolve) => (answer = resolve)));
    answer();
    await watched;
    ts.schedule(() => undefined, 50);
    ts.flush();
    expect(fired).toEqual([]);
    watchdog.begin();
    watchdog.stop();
    ts.schedule(() => undefined, 100);
    ts.flush();
    expect(fired).toEqual([]);
  });
});
