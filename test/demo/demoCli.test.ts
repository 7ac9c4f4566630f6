import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

// The command a newcomer runs, as a child process of the built CLI (`npm test` builds first).
const main = join(__dirname, '..', '..', 'dist', 'cli', 'main.js');

/** Runs the CLI to its end; `interruptWhen` sends it SIGINT (Ctrl-C) once its stdout so far matches. */
function run(args: string[], interruptWhen?: (stdout: string) => boolean): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [main, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let interrupted = false;
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (!interrupted && interruptWhen?.(stdout) === true) interrupted = child.kill('SIGINT');
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(() => {
  if (!existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\` first (npm test does)`);
});

it('`servicebus-rx demo --sessions 5 --messages 3 --duration 5` ends by itself, exit 0, nothing lost, lock loss redelivered', async () => {
  const { code, stdout, stderr } = await run(['demo', '--sessions', '5', '--messages', '3', '--duration', '5']);
  if (code !== 0) console.log(stdout, stderr);
  expect(code).toBe(0);
  // Not a TTY: plain progress lines, no ANSI.
  expect(stdout).not.toContain('\x1b[');
  expect(stdout).toMatch(/slow-worker c-01: LOCK LOST \(expired\)/);
  expect(stdout).toMatch(/lock lost: session c-01 on slow-worker \(expired\), 3 messages in flight; redelivered and settled by worker-\d: 3\/3/);
  expect(stdout).toMatch(/nothing lost: 15 produced = 14 completed \+ 1 dead-lettered/);
  expect(stderr).not.toMatch(/handles still open/);
}, 60_000);

it('rejects a bad option with one line + usage on stderr and exit code 2', async () => {
  const { code, stdout, stderr } = await run(['demo', '--duration', '0']);
  expect(code).toBe(2);
  expect(stdout).toBe('');
  expect(stderr.split('\n')[0]).toBe('servicebus-rx demo: invalid --duration "0": expected a number from 1 to 300');
  expect(stderr).toContain('Usage: servicebus-rx demo');
});

it('Ctrl-C (SIGINT) ends the demo gracefully: exit 130, unprocessed messages reported as still queued, not lost', async () => {
  const { code, stdout, stderr } = await run(['demo', '--sessions', '8', '--messages', '4', '--duration', '20'], (out) => (out.match(/· held \d+\n/g) ?? []).length >= 2);
  if (code !== 130) console.log(stdout, stderr);
  expect(code).toBe(130);
  expect(stdout).toMatch(/ended: stopped by the user \(SIGINT\)/);
  expect(stdout).toMatch(/stopped early: \d+ of \d+ messages not processed yet, still in the queue \(not lost\)/);
  expect(stdout).toMatch(/broker check: \d+ messages left in 'orders', \d+ in its dead-letter queue \(agrees\)/);
  expect(stdout).not.toMatch(/LOST/);
  expect(stderr).toBe('');
}, 60_000);

it.each([
  [['demo', '--duration', '-1'], 'servicebus-rx demo: invalid --duration "-1": expected a number from 1 to 300'],
  [['demo', '--sessions'], 'servicebus-rx demo: option --sessions needs a value'],
  [['demo', '-s', '4'], "servicebus-rx demo: unknown option '-s'"],
  [['demo', 'now'], "servicebus-rx demo: unexpected argument 'now'"],
  [['--bogus'], "servicebus-rx: unknown option '--bogus'"],
  [['start'], "servicebus-rx: unknown command 'start'"],
  [[], 'servicebus-rx: missing command'],
])('`servicebus-rx %j`: one line in its own words + usage on stderr, exit 2', async (args, line) => {
  const { code, stdout, stderr } = await run(args);
  expect(code).toBe(2);
  expect(stdout).toBe('');
  const [first, ...rest] = stderr.split('\n');
  expect(first).toBe(line);
  expect(rest.join('\n')).toMatch(/Usage: servicebus-rx/);
  expect(stderr).not.toMatch(/ambiguous|ERR_PARSE_ARGS|TypeError/);
});
