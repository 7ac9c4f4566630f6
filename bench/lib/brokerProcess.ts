import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import * as path from 'node:path';
import { nowMs } from './stats';

/** A broker running in its own process via the CLI, as users run it. */
export interface BrokerProcess {
  readonly connectionString: string;
  readonly port: number;
  readonly pid: number;
  /** Process start to connection string printed, in ms (the cold start). */
  readonly coldStartMs: number;
  stop(): Promise<void>;
}

const ROOT = path.resolve(__dirname, '..', '..', '..');

/**
 * Starts `servicebus-rx emulator --port 0 --config bench/config.json` and waits for its connection string.
 * `BENCH_BROKER_NODE_FLAGS` (space-separated) are Node options for the broker child, for profiling, e.g.
 * `--cpu-prof --cpu-prof-dir=/tmp/prof` (not for measured runs).
 */
export async function startBrokerProcess(config = path.join(ROOT, 'bench', 'config.json')): Promise<BrokerProcess> {
  const started = nowMs();
  const nodeFlags = (process.env['BENCH_BROKER_NODE_FLAGS'] ?? '').split(' ').filter((flag) => flag !== '');
  const child: ChildProcess = spawn(process.execPath, [...nodeFlags, path.join(ROOT, 'dist', 'cli', 'main.js'), 'emulator', '--port', '0', '--config', config], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    // The connection string is the first complete `Endpoint=sb://` line: Node trace flags in
    // BENCH_BROKER_NODE_FLAGS (e.g. --trace-gc) print to the same stdout, before it and after it.
    let buf: string | undefined = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      if (buf === undefined) return; // found: the rest is drained, so the broker never blocks on a full pipe
      buf += chunk;
      const complete = buf.lastIndexOf('\n') + 1; // only whole lines are searched
      const found = /^Endpoint=sb:\/\/.*$/m.exec(buf.slice(0, complete));
      if (found === null) {
        buf = buf.slice(complete);
        return;
      }
      buf = undefined;
      resolve(found[0].trim());
    });
    child.once('exit', (code) => reject(new Error(`broker exited with ${code} before printing its connection string`)));
  });
  const coldStartMs = nowMs() - started;
  const port = Number(/sb:\/\/[^:;]+:(\d+)/.exec(line)?.[1]);
  return {
    connectionString: line,
    port,
    pid: child.pid!,
    coldStartMs,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}
