import { runDemo } from '../../src/cli/demoCommand';
import type { DemoIo } from '../../src/cli/demo/DemoIo';

/**
 * Captures the demo's output instead of writing to the terminal. With `stopWhen`, the user "presses
 * Ctrl-C" (SIGINT) as soon as the output so far matches it.
 */
function capture(tty: boolean, options: { columns?: number | undefined; stopWhen?: (text: string) => boolean } = {}): DemoIo & { out: string[]; errors: string[] } {
  const out: string[] = [];
  const errors: string[] = [];
  let stop: ((signal: NodeJS.Signals) => void) | undefined;
  return {
    out,
    errors,
    write: (t) => {
      out.push(t);
      if (options.stopWhen?.(out.join('')) === true) stop?.('SIGINT');
    },
    err: (t) => void errors.push(t),
    isTTY: () => tty,
    columns: () => ('columns' in options ? options.columns : 160),
    stopRequested: () => ({ promise: new Promise<NodeJS.Signals>((resolve) => (stop = resolve)), dispose: () => (stop = undefined) }),
  };
}

it('runs end to end: nothing lost, a lock loss whose messages are redelivered and completed elsewhere', async () => {
  const io = capture(false);
  const code = await runDemo(['--sessions', '5', '--messages', '3', '--duration', '3'], io);
  const text = io.out.join('');
  if (code !== 0) console.log(text); // the whole run, to see why
  expect(code).toBe(0);
  expect(text).toMatch(/nothing lost: 15 produced = 14 completed \+ 1 dead-lettered/);
  expect(text).toMatch(/slow-worker c-01: auto-renew stopped: AutoLockRenewTimeout/);
  expect(text).toMatch(/slow-worker c-01: LOCK LOST \(expired\)/);
  expect(text).toMatch(/worker-\d c-01: redelivered messages from c-01\/1 on \(delivered 1× before\)/);
  expect(text).toMatch(/lock lost: session c-01 on slow-worker \(expired\), 3 messages in flight; redelivered and settled by worker-\d: 3\/3/);
  expect(text).toMatch(/broker check: 0 messages left in 'orders', 1 in its dead-letter queue \(agrees\)/);
}, 60_000);

it('redraws in place on a TTY (ANSI cursor movement) and still ends with the summary', async () => {
  const io = capture(true);
  const code = await runDemo(['--sessions', '2', '--messages', '2', '--duration', '1'], io);
  const text = io.out.join('');
  expect(code).toBe(0);
  expect(text).toContain('\x1b[?25l'); // cursor hidden while drawing…
  expect(text).toMatch(/\x1b\[\d+F/); // …frames redrawn from the top of the previous one…
  expect(text).toContain('\x1b[?25h'); // …and shown again at the end
  expect(text).toMatch(/█/); // lock bars
  expect(text).toMatch(/nothing lost: 4 produced = 4 completed \+ 0 dead-lettered/);
}, 60_000);

it('answers --help with the usage, and a bad option with one line + usage and exit code 2', async () => {
  const help = capture(false);
  expect(await runDemo(['--help'], help)).toBe(0);
  expect(help.out.join('')).toMatch(/^Usage: servicebus-rx demo/);
  const bad = capture(false);
  expect(await runDemo(['--sessions', 'many'], bad)).toBe(2);
  const [first, ...rest] = bad.errors.join('').split('\n');
  expect(first).toBe('servicebus-rx demo: invalid --sessions "many": expected an integer from 1 to 100');
  expect(rest.join('\n')).toContain('Usage: servicebus-rx demo');
  expect(bad.out).toEqual([]);
});

it('Ctrl-C mid-run: exit 130, a summary that reports the unprocessed messages as still queued (not lost), and the broker agrees', async () => {
  // Stopped after two progress lines (~2 s): the slow worker still holds c-01's messages, so some are unprocessed.
  const io = capture(false, { stopWhen: (text) => (text.match(/· held \d+\n/g) ?? []).length >= 2 });
  const code = await runDemo(['--sessions', '8', '--messages', '4', '--duration', '20'], io);
  const text = io.out.join('');
  if (code !== 130) console.log(text);
  expect(code).toBe(130);
  expect(text).toMatch(/ended: stopped by the user \(SIGINT\)/);
  const stopped = /stopped early: (\d+) of (\d+) messages not processed yet, still in the queue \(not lost\): (.*)/.exec(text);
  expect(stopped?.[3]).toContain('c-01/');
  expect(text).toMatch(new RegExp(`still queued ${stopped?.[1]}\\b`));
  expect(text).toMatch(new RegExp(`broker check: ${stopped?.[1]} messages left in 'orders', \\d+ in its dead-letter queue \\(agrees\\)`));
  expect(text).not.toMatch(/LOST:/);
}, 60_000);

it('draws a sane frame (80 wide) on a TTY that reports 0 columns', async () => {
  {
    const io = capture(true, { columns: 0 });
    expect(await runDemo(['--sessions', '2', '--messages', '2', '--duration', '1'], io)).toBe(0);
    const frames = io.out.join('').split(/\x1b\[\d+F/);
    const last = (frames.at(-1) ?? '').replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
    const lines = last.split('\n').filter((l) => l.trim() !== '');
    expect(lines.length).toBeGreaterThan(3);
    expect(lines.some((l) => l.includes('servicebus-rx demo'))).toBe(true);
    expect(Math.max(...lines.slice(0, 3).map((l) => l.length))).toBeLessThanOrEqual(80);
  }
}, 60_000);
