/**
 * The broker's HTTP side (administration API, inspector) is loaded and built on its first HTTP connection,
 * not at start: most brokers never serve HTTP, and its modules are part of every start (the CLI's cold
 * start, each test file that starts an emulator). Loading is observed in a fresh Node process running the
 * build (`npm run build` first), whose module cache shows what was loaded.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AsyncAction } from 'rxjs/internal/scheduler/AsyncAction';
import { AsyncScheduler } from 'rxjs/internal/scheduler/AsyncScheduler';
import { emulatorAdminClient } from './httpAdminClient';
import { startEmulator } from '../../src/emulator';

const EMULATOR = join(__dirname, '..', '..', 'dist', 'emulator', 'index.js');

/** Runs `body` (an async function of `startEmulator` and `loaded()`) in a fresh process; returns what it prints as JSON. */
async function inFreshProcess(body: string): Promise<unknown> {
  const script = `
    const { startEmulator } = require(${JSON.stringify(EMULATOR)});
    const loaded = () => Object.keys(require.cache).filter((file) => file.includes('/emulator/http/') && !file.endsWith('sniffProtocol.js')).length;
    (${body})(startEmulator, loaded).then((result) => console.log(JSON.stringify(result)), (error) => { console.error(error); process.exit(1); });
  `;
  const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], { timeout: 20_000 });
  return JSON.parse(stdout) as unknown;
}

beforeAll(() => {
  if (!existsSync(EMULATOR)) throw new Error(`${EMULATOR} is missing: run \`npm run build\` before this test`);
});

describe('the HTTP side, built on demand', () => {
  it('is not loaded by a start, and is loaded and serves on the first HTTP request to the AMQP port', async () => {
    const result = await inFreshProcess(`async (startEmulator, loaded) => {
      const emulator = await startEmulator({ queues: [{ name: 'q' }], onWarning: () => undefined });
      const atStart = loaded();
      const response = await fetch(emulator.http.inspectorUrl);
      const page = await response.text();
      const afterRequest = loaded();
      await emulator.close();
      return { atStart, status: response.status, html: page.includes('<html'), afterRequest };
    }`);
    expect(result).toEqual({ atStart: 0, status: 200, html: true, afterRequest: expect.any(Number) });
    expect((result as { afterRequest: number }).afterRequest).toBeGreaterThan(0);
  });

  it('is built at start when it has its own port', async () => {
    const result = await inFreshProcess(`async (startEmulator, loaded) => {
      const emulator = await startEmulator({ httpPort: 0, onWarning: () => undefined });
      const atStart = loaded();
      const response = await fetch(emulator.http.inspectorUrl);
      await response.text();
      await emulator.close();
      return { atStart: atStart > 0, status: response.status, ownPort: emulator.http.port !== emulator.port };
    }`);
    expect(result).toEqual({ atStart: true, status: 200, ownPort: true });
  });

  it("dates the configured entities from the broker's start, not from the first HTTP request", async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    // Real timers, a clock this test sets.
    const clock = new AsyncScheduler(AsyncAction, () => now);
    const emulator = await startEmulator({ queues: [{ name: 'orders' }], scheduler: clock, onWarning: () => undefined });
    try {
      now += 3_600_000;
      const queue = await emulatorAdminClient(emulator.connectionString).getQueueRuntimeProperties('orders');
      expect(queue.createdAt.toISOString()).toBe('2026-01-01T00:00:00.000Z');
    } finally {
      await emulator.close();
    }
  });

  it('refuses the HTTP connection with a warning, and keeps serving AMQP, when the HTTP side cannot be loaded', async () => {
    // A broken install, simulated in the fresh process: loading the HTTP side's module throws.
    const result = await inFreshProcess(`async (startEmulator) => {
      const Module = require('node:module');
      const load = Module._load;
      Module._load = function (request, ...rest) {
        if (String(request).endsWith('/http/startHttpSide')) throw new Error('broken install');
        return load.call(this, request, ...rest);
      };
      const { ServiceBusClient } = require(${JSON.stringify(require.resolve('@azure/service-bus'))});
      const warnings = [];
      const emulator = await startEmulator({ queues: [{ name: 'orders' }], onWarning: (message) => warnings.push(message) });
      const http = await fetch(emulator.http.inspectorUrl).then(() => 'answered', () => 'refused');
      const client = new ServiceBusClient(emulator.connectionString);
      await client.createSender('orders').sendMessages({ body: 'still served' });
      const [received] = await client.createReceiver('orders', { receiveMode: 'receiveAndDelete' }).receiveMessages(1, { maxWaitTimeInMs: 5000 });
      await client.close();
      await emulator.close();
      return { http, warnings, body: received && received.body };
    }`);
    expect(result).toEqual({ http: 'refused', warnings: [expect.stringContaining('The HTTP side could not be started: broken install')], body: 'still served' });
  });
});
