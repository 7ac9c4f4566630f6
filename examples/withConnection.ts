import { startEmulator, type TopicOptions } from '../src/emulator';

type QueueSpec = { readonly name: string; readonly lockDurationMs?: number };
/** Session queues (sessions required), and topics as given. */
type Entities = { readonly queues?: readonly QueueSpec[]; readonly topics?: readonly TopicOptions[] };

/**
 * Runs `body` with a connection string: the one given (a real namespace, whose queues / topics must
 * exist and require sessions), or else that of an embedded broker started for the occasion with
 * `entities` (session queues, or `{ queues, topics }`) and closed afterwards.
 */
export async function withConnection<T>(
  connectionString: string | undefined,
  entities: readonly QueueSpec[] | Entities,
  body: (connectionString: string) => Promise<T>,
): Promise<T> {
  if (connectionString !== undefined) return body(connectionString);
  const { queues = [], topics = [] }: Entities = isQueueList(entities) ? { queues: entities } : entities;
  const broker = await startEmulator({ port: 0, queues: queues.map((q) => ({ requiresSession: true, ...q })), topics });
  try {
    return await body(broker.connectionString);
  } finally {
    await broker.close();
  }
}

function isQueueList(entities: readonly QueueSpec[] | Entities): entities is readonly QueueSpec[] {
  return Array.isArray(entities);
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
