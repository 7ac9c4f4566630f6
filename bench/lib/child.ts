import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

/** Messages exchanged between a benchmark parent and a forked child script. */
export type ChildMessage = { type: string; [key: string]: unknown };

/** Forks a compiled bench script (with Node options `execArgv`) and resolves once it reports `{ type: 'ready' }`. */
export async function forkChild(script: string, args: string[] = [], execArgv: string[] = []): Promise<{ child: ChildProcess; ready: ChildMessage }> {
  const child = fork(script, args, { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ready = await nextMessage(child, 'ready');
  return { child, ready };
}

/** Resolves with the next IPC message of the given type from the child (rejects if it exits first). */
export function nextMessage(child: ChildProcess, type: string): Promise<ChildMessage> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: ChildMessage): void => {
      if (m && m.type === type) {
        cleanup();
        resolve(m);
      }
    };
    const onExit = (code: number | null): void => {
      cleanup();
      reject(new Error(`child exited (${code}) before sending '${type}'`));
    };
    const cleanup = (): void => {
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

/**
 * Forks a compiled bench script that reports once, `{ type: 'done', … }` or `{ type: 'failed', message }`,
 * and resolves with that report after stopping the child (rejects if it exits before reporting).
 */
export async function childOutcome(script: string, args: string[] = [], execArgv: string[] = []): Promise<ChildMessage> {
  const { child } = await forkChild(script, args, execArgv);
  try {
    return await Promise.race([nextMessage(child, 'done'), nextMessage(child, 'failed')]);
  } finally {
    await stopChild(child);
  }
}

/** Kills a child and waits for it to exit. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await once(child, 'exit');
}
