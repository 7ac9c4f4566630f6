/**
 * docs/testing.md, "Many test files?": the globalSetup / globalTeardown of that section, run as written
 * (the package's name mapped to the built package, `dist/`; build first: `npm run build`) by a jest run of
 * its own in a child process, with two test files that send and receive on the shared broker in two
 * workers through the connection string the setup put in their environment.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.join(__dirname, '..', '..');
const guide = fs.readFileSync(path.join(root, 'docs', 'testing.md'), 'utf8');
/** The section's code block, its lines unindented (it sits in a list item). */
const snippet = /\*\*Many test files\?\*\*[\s\S]*?```js\n([\s\S]*?)\n\s*```/
  .exec(guide)?.[1]
  ?.split('\n')
  .map((line) => line.replace(/^ {2}/, ''))
  .join('\n');

/** The part of the block after the comment line `// <name>`, up to the next such line. */
function file(name: string): string {
  const start = snippet!.indexOf(`// ${name}\n`);
  expect(start).toBeGreaterThanOrEqual(0);
  const rest = snippet!.slice(start + name.length + 4);
  const end = rest.search(/^\/\/ test\//m);
  return (end < 0 ? rest : rest.slice(0, end)).replace("require('servicebus-rx/emulator')", `require(${JSON.stringify(path.join(root, 'dist', 'emulator'))})`);
}

/** A test file of the suite: sends one message to its own session and receives it back. */
function testFile(tag: string): string {
  return `
const { firstValueFrom, lastValueFrom, mergeMap, take } = require(${JSON.stringify(require.resolve('rxjs'))});
const { ServiceBusClient } = require(${JSON.stringify(path.join(root, 'dist'))});
let client;
beforeEach(() => { client = new ServiceBusClient(process.env.SERVICEBUS_CONNECTION_STRING); });
afterEach(() => client.close());
test('${tag} sends and receives on the shared broker', async () => {
  await lastValueFrom(client.send('orders', { body: '${tag}', sessionId: 'file-${tag}' }));
  const session = await firstValueFrom(client.acceptSession('orders', 'file-${tag}'));
  const body = await lastValueFrom(session.messages$.pipe(take(1), mergeMap(async (m) => {
    await lastValueFrom(m.complete(), { defaultValue: undefined });
    return m.body;
  })));
  expect(body).toBe('${tag}');
  await session.close();
});
`;
}

test('one broker started in globalSetup serves every test file of the run', async () => {
  expect(fs.existsSync(path.join(root, 'dist', 'emulator', 'index.js'))).toBe(true);
  expect(snippet).toContain('globalSetup');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sbrx-shared-broker-'));
  try {
    fs.mkdirSync(path.join(dir, 'test'));
    fs.writeFileSync(path.join(dir, 'test', 'brokerSetup.js'), file('test/brokerSetup.js'));
    fs.writeFileSync(path.join(dir, 'test', 'brokerTeardown.js'), file('test/brokerTeardown.js'));
    for (const tag of ['first', 'second']) fs.writeFileSync(path.join(dir, 'test', `${tag}.test.js`), testFile(tag));
    fs.writeFileSync(
      path.join(dir, 'jest.config.js'),
      `module.exports = { testMatch: ['**/*.test.js'], globalSetup: './test/brokerSetup.js', globalTeardown: './test/brokerTeardown.js', maxWorkers: 2 };\n`,
    );
    const child = spawn(process.execPath, [require.resolve('jest/bin/jest'), '--rootDir', dir, '--ci'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (t: string) => (output += t));
    child.stderr.setEncoding('utf8').on('data', (t: string) => (output += t));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect({ code, output }).toMatchObject({ code: 0 });
    expect(output).toMatch(/Tests:\s+2 passed, 2 total/);
    expect(output).not.toMatch(/did not exit|failed to exit gracefully|open handle/i);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
