import { startEmulator } from '../src/emulator';

/**
 * Runs `body` with a connection string: the one given (a real namespace, whose queues must exist and
 * require sessions), or else that of an embedded broker started for the occasion with `queues` and
 * closed afterwards.
 */
export async function withConnection<T>(
  connectionString: string | undefined,
  queues: readonly { name: string; lockDurationMs?: number }[],
  body: (connectionString: string) => Promise<T>,
): Promise<T> {
  if (connectionString !== undefined) return body(connectionString);
  const broker = await startEmulator({ port: 0, queues: queues.map((q) => ({ requiresSession: true, ...q })) });
  try {
    return await body(broker.connectionString);
  } finally {
    await broker.close();
  }
}

/** When a file is run directly: runs `main` with `SERVICEBUS_CONNECTION_STRING` (if set), prints its result, sets the exit code. */
export function runIfMain(module: NodeJS.Module, main: (connectionString?: string) => Promise<unknown>): void {
  if (require.main !== module) return;
  main(process.env['SERVICEBUS_CONNECTION_STRING']).then(
    (result) => console.log(JSON.stringify(result, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2)),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
