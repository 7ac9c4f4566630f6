/**
 * The `servicebus-rx` binary as users run it: `node dist/cli/main.js …` (build first: `npm run build`).
 * Checks the stdout contract (exactly one line, the connection string), that the port serves the
 * official SDK, clean exits on SIGTERM / SIGINT, and the exit codes for bad input.
 */
import { ServiceBusClient } from '@azure/service-bus';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MAIN = join(__dirname, '..', '..', 'dist', 'cli', 'main.js');
const CONNECTION_STRING =
  /^Endpoint=sb:\/\/localhost:(\d+);SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true;$/;
const GUARD_MS = 20_000;

interface Cli {
  readonly child: ChildProcess;
  stdout: string;
  stderr: string;
  /** Resolves once the process has exited and its output is drained: exit code (null if killed) and signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running = new Set<ChildProcess>();
let dir: string;

beforeAll(() => {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` before this test`);
  dir = mkdtempSync(join(tmpdir(), 'sbrx-cli-'));
});

afterEach(() => {
  for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  running.clear();
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: readonly string[]): Cli {
  const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  const run: Cli = {
    child,
    stdout: '',
    stderr: '',
    // 'close' (not 'exit'): it comes after the last output of both pipes.
    exited: new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal }))),
  };
  child.stdout?.setEncoding('utf8').on('data', (text: string) => (run.stdout += text));
  child.stderr?.setEncoding('utf8').on('data', (text: string) => (run.stderr += text));
  return run;
}

/** Runs to completion (guarded) and returns the exit code and output. */
async function complete(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const run = cli(args);
  const { code } = await guard(run.exited, `exit of servicebus-rx ${args.join(' ')}`);
  return { code, stdout: run.stdout, stderr: run.stderr };
}

/** Waits for the first stdout line; fails if the process exits first. */
function firstLine(run: Cli): Promise<string> {
  return guard(
    new Promise<string>((resolve, reject) => {
      const check = (): void => {
        const end = run.stdout.indexOf('\n');
        if (end >= 0) resolve(run.stdout.slice(0, end));
      };
      run.child.stdout?.on('data', check);
      check();
      void run.exited.then(({ code }) => reject(new Error(`exited with ${code} before printing a line; stderr: ${run.stderr}`)));
    }),
    'the connection string line',
  );
}

function guard<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`gave up waiting for ${what}`)), GUARD_MS);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Sends one message to `queue` and receives it back with the official SDK. */
async function roundTrip(connectionString: string, queue: string): Promise<void> {
  const client = new ServiceBusClient(connectionString, { retryOptions: { maxRetries: 0, timeoutInMs: 15_000 } });
  try {
    await client.createSender(queue).sendMessages({ body: 'hello from the CLI test' });
    const receiver = client.createReceiver(queue);
    const [m] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 15_000 });
    expect(m?.body).toBe('hello from the CLI test');
    if (m) await receiver.completeMessage(m);
  } finally {
    await client.close();
  }
}

describe('servicebus-rx emulator', () => {
  it('prints exactly one stdout line, serves the SDK on that port, and exits 0 on SIGTERM', async () => {
    const run = cli(['emulator', '--port', '0']);
    const line = await firstLine(run);
    const match = CONNECTION_STRING.exec(line);
    expect(match).not.toBeNull();
    expect(Number(match?.[1])).toBeGreaterThan(0);

    await roundTrip(line, 'queue.1');

    run.child.kill('SIGTERM');
    expect(await guard(run.exited, 'exit after SIGTERM')).toEqual({ code: 0, signal: null });
    expect(run.stdout).toBe(`${line}\n`);
    expect(run.stderr).toMatch(/listening on 127\.0\.0\.1:\d+; queues: queue\.1, session\.1 \(sessions\), orders \(sessions\)/);
    expect(run.stderr).toContain(`inspector at http://localhost:${match?.[1]}/`);
  });

  it('--http-port serves HTTP on a port of its own and names it in the inspector line', async () => {
    const run = cli(['emulator', '--port', '0', '--http-port', '0']);
    const line = await firstLine(run);
    const amqpPort = CONNECTION_STRING.exec(line)?.[1];
    await guard(
      new Promise<void>((resolve) => {
        const check = (): void => void (/inspector at http:\/\/localhost:\d+\//.test(run.stderr) ? resolve() : setTimeout(check, 20));
        check();
      }),
      'the inspector line',
    );
    const httpPort = /inspector at http:\/\/localhost:(\d+)\//.exec(run.stderr)?.[1];
    expect(httpPort).not.toBe(amqpPort);
    const answer = await fetch(`http://127.0.0.1:${httpPort}/$namespaceinfo`);
    expect(answer.status).toBe(401);
    run.child.kill('SIGTERM');
    expect(await guard(run.exited, 'exit after SIGTERM')).toEqual({ code: 0, signal: null });
    expect(run.stdout).toBe(`${line}\n`);
  });

  it('serves the queues of --config, reports unknown properties on stderr, and exits 0 on SIGINT', async () => {
    const file = join(dir, 'Config.json');
    writeFileSync(
      file,
      JSON.stringify({
        UserConfig: {
          Namespaces: [{ Name: 'sbemulatorns', Queues: [{ Name: 'cli.q', Properties: { LockDuration: 'PT5S', Colour: 'blue' } }], Topics: [] }],
          Logging: { Type: 'File' },
        },
      }),
    );
    const run = cli(['emulator', '--port', '0', '--config', file]);
    const line = await firstLine(run);
    expect(line).toMatch(CONNECTION_STRING);
    await roundTrip(line, 'cli.q');

    run.child.kill('SIGINT');
    expect(await guard(run.exited, 'exit after SIGINT')).toEqual({ code: 0, signal: null });
    expect(run.stdout).toBe(`${line}\n`);
    expect(run.stderr).toContain('UserConfig.Namespaces[0].Queues[0].Properties.Colour: unknown property');
  });

  it('exits 1 naming the field of an invalid config file, without printing a connection string', async () => {
    const file = join(dir, 'Bad.json');
    writeFileSync(file, JSON.stringify({ UserConfig: { Namespaces: [{ Queues: [{ Name: 'q', Properties: { MaxDeliveryCount: 0 } }] }] } }));
    const r = await complete(['emulator', '--port', '0', '--config', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('UserConfig.Namespaces[0].Queues[0].Properties.MaxDeliveryCount');
    expect(r.stderr).toContain(file);
  });

  it('exits 1 for a config file that is not JSON', async () => {
    const file = join(dir, 'NotJson.json');
    writeFileSync(file, '{ nope');
    const r = await complete(['emulator', '--port', '0', '--config', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/not valid JSON/);
  });

  it.each([
    [['emulator', '--bogus'], /Unknown option '--bogus'/],
    [['emulator', '--port', 'abc'], /invalid --port "abc"/],
    [['emulator', '--port', '70000'], /invalid --port "70000"/],
    [['emulator', '--port'], /--port/],
    [['frobnicate'], /unknown command 'frobnicate'/],
    [[], /missing command/],
  ])('exits 2 with one error line and the usage on stderr for %j', async (args, message) => {
    const r = await complete(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const [first, ...rest] = r.stderr.split('\n');
    expect(first).toMatch(message);
    expect(rest.join('\n')).toMatch(/Usage: servicebus-rx/);
  });

  it.each([[['--help']], [['emulator', '--help']]])('prints help on stdout and exits 0 for %j', async (args) => {
    const r = await complete(args);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: servicebus-rx/);
    expect(r.stderr).toBe('');
  });

  it('prints the version', async () => {
    const r = await complete(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\d+\.\d+\.\d+\S*\n$/);
  });
});
