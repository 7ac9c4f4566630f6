import { startEmulator } from '../emulator';
import { defaultQueues, isEmulatorConfigError, loadEmulatorConfigFile, type QueueOptions } from '../emulator/config';
import { type CliIo, processIo } from './CliIo';
import { parseEmulatorArgs } from './parseEmulatorArgs';
import { UsageError } from './UsageError';
import { emulatorUsage } from './usage';

/**
 * `servicebus-rx emulator [--port N] [--host H] [--config FILE] [--http-port N]`: starts the broker, prints its
 * connection string as the only stdout line and the inspector's URL on stderr, runs until SIGINT / SIGTERM, then closes it.
 *
 * @returns the exit code: 0 after `--help` or a clean stop, 1 for an invalid configuration or a
 *   failed start (message on stderr naming the file / field), 2 for a bad command line (one line + usage on stderr).
 */
export async function runEmulatorCommand(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  let args;
  try {
    args = parseEmulatorArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err(`servicebus-rx emulator: ${e.message}\n\n${e.usage}`);
    return 2;
  }
  if (args.help) {
    io.out(emulatorUsage);
    return 0;
  }

  // Listen for the stop signals before anything slow happens: a signal during start-up still stops cleanly.
  const stop = io.nextStopSignal();
  const warn = (message: string): void => io.err(`servicebus-rx emulator: warning: ${message}\n`);

  let queues: readonly QueueOptions[];
  try {
    queues = args.configFile === undefined ? defaultQueues : loadEmulatorConfigFile(args.configFile, warn);
  } catch (e) {
    if (!isEmulatorConfigError(e)) throw e;
    io.err(`servicebus-rx emulator: ${e.message}\n`);
    return 1;
  }

  let handle;
  try {
    handle = await startEmulator({ port: args.port, host: args.host, queues, onWarning: warn, ...(args.httpPort !== undefined && { httpPort: args.httpPort }) });
  } catch (e) {
    io.err(`servicebus-rx emulator: cannot start on ${args.host}:${args.port}: ${messageOf(e)}\n`);
    return 1;
  }

  io.out(`${handle.connectionString}\n`);
  io.err(`servicebus-rx emulator: listening on ${args.host}:${handle.port}; queues: ${describeQueues(queues)}\n`);
  io.err(`servicebus-rx emulator: inspector at ${handle.http.inspectorUrl}\n`);

  const signal = await stop;
  io.err(`servicebus-rx emulator: ${signal} received, closing\n`);
  try {
    await handle.close();
  } catch (e) {
    io.err(`servicebus-rx emulator: error while closing: ${messageOf(e)}\n`);
    return 1;
  }
  return 0;
}

function describeQueues(queues: readonly QueueOptions[]): string {
  if (queues.length === 0) return '(none)';
  return queues.map((q) => (q.requiresSession === true ? `${q.name} (sessions)` : q.name)).join(', ');
}

function messageOf(e: unknown): string {
  const message = (e as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : String(e);
}
