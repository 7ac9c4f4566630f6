import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

// The command a newcomer runs, as a child process of the built CLI (`npm test` builds first).
const main = join(__dirname, '..', '..', 'dist', 'cli', 'main.js');

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [main, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
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
