import { runDemo } from '../../src/cli/demoCommand';
import type { DemoIo } from '../../src/cli/demo/DemoIo';

/** Captures the demo's output instead of writing to the terminal. */
function capture(tty: boolean): DemoIo & { out: string[]; errors: string[] } {
  const out: string[] = [];
  const errors: string[] = [];
  return {
    out,
    errors,
    write: (t) => void out.push(t),
    err: (t) => void errors.push(t),
    isTTY: () => tty,
    columns: () => 160,
    stopRequested: () => ({ promise: new Promise<void>(() => undefined), dispose: () => undefined }),
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
