import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { startEmulator, type SasKeyOptions } from '../emulator';
import { sasKeysFromConfig } from '../emulator/cbs/sasKeysFromConfig';
import { defaultQueues, isEmulatorConfigError, loadEmulatorConfigFile, type EmulatorEntities } from '../emulator/config';
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

  let entities: EmulatorEntities;
  try {
    entities = args.configFile === undefined ? { queues: defaultQueues, topics: [] } : loadEmulatorConfigFile(args.configFile, warn);
  } catch (e) {
    if (!isEmulatorConfigError(e)) throw e;
    io.err(`servicebus-rx emulator: ${e.message}\n`);
    return 1;
  }

  let sasKeys: readonly SasKeyOptions[] | undefined;
  try {
    if (args.sasKeysFile !== undefined) sasKeys = readKeysFile(args.sasKeysFile);
    else if (args.configFile !== undefined && args.sasKey === undefined && args.sasKeyName === undefined) sasKeys = sasKeysFromConfig(JSON.parse(readFileSync(args.configFile, 'utf8').replace(/^\uFEFF/, '')));
  } catch (e) {
    io.err(`servicebus-rx emulator: ${messageOf(e)}\n`);
    return 1;
  }

  let handle;
  try {
    handle = await startEmulator({
      port: args.port,
      host: args.host,
      queues: entities.queues,
      topics: entities.topics,
      onWarning: warn,
      ...(sasKeys === undefined ? {} : { sasKeys }),
      ...(args.sasKeyName === undefined ? {} : { sasKeyName: args.sasKeyName }),
      ...(args.sasKey === undefined ? {} : { sasKey: args.sasKey }),
      ...(args.httpPort === undefined ? {} : { httpPort: args.httpPort }),
    });
  } catch (e) {
    io.err(`servicebus-rx emulator: cannot start on ${args.host}:${args.port}: ${messageOf(e)}\n`);
    return 1;
  }

  io.out(`${handle.connectionString}\n`);
  io.err(`servicebus-rx emulator: listening on ${args.host}:${handle.port}; ${describeEntities(entities)}\n`);
  io.err(`servicebus-rx emulator: inspector at ${handle.http.inspectorUrl}\n`);
  if (!isLoopback(args.host)) {
    const remote = handle.connectionString.replace(/^Endpoint=sb:\/\/[^;]*;/, `Endpoint=sb://${hostForOthers(args.host)}:${handle.port};`);
    warn(
      `listening on ${args.host}: the broker is reachable from other machines, over plain AMQP (no TLS), by anyone holding a key` +
        (sasKeys === undefined && args.sasKey === undefined ? ' (the default key SAS_KEY_VALUE is public: pass --sas-key or --sas-keys-file)' : '') +
        `. From another machine: ${remote}`,
    );
  }

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

/** The keys of a `--sas-keys-file`: a JSON array of `{ name, key, rights }` (validated by startEmulator). */
function readKeysFile(file: string): readonly SasKeyOptions[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`cannot read the keys file ${file}: ${messageOf(e)}`, { cause: e });
  }
  if (!Array.isArray(parsed)) throw new Error(`the keys file ${file} must hold a JSON array of { "name", "key", "rights" }`);
  return parsed as SasKeyOptions[];
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

/** The host other machines would use: this machine's name for a wildcard address, else the address given. */
function hostForOthers(host: string): string {
  if (host === '0.0.0.0' || host === '::') return hostname();
  return host.includes(':') ? `[${host}]` : host;
}

function describeEntities({ queues, topics }: EmulatorEntities): string {
  const queueList = queues.length === 0 ? '(none)' : queues.map((q) => (q.requiresSession === true ? `${q.name} (sessions)` : q.name)).join(', ');
  if (topics.length === 0) return `queues: ${queueList}`;
  const topicList = topics.map((t) => `${t.name} (${(t.subscriptions ?? []).map((s) => s.name).join(', ')})`).join(', ');
  return `queues: ${queueList}; topics: ${topicList}`;
}

function messageOf(e: unknown): string {
  const message = (e as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : String(e);
}
