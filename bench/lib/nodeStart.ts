import { spawn } from 'node:child_process';
import { nowMs } from './stats';

/**
 * A bare Node process's start on this machine, measured as the broker's cold start is (spawn → its first
 * line on stdout), with the same `node` and no module of ours: the floor under the cold-start row, which
 * differs between machines more than our part of it does.
 */
export async function bareNodeStartMs(): Promise<number> {
  const started = nowMs();
  const child = spawn(process.execPath, ['-e', "console.log('ready')"], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`bare node exited with ${code} before printing`)));
  });
  const ms = nowMs() - started;
  await new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', () => resolve())));
  return ms;
}
