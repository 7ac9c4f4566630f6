// The scheduler alone: the rxjs index loads every operator (~40 ms of the CLI's cold start), and the
// broker needs only this clock (`rxjs/internal/*` is part of rxjs 7's package exports).
import { asyncScheduler } from 'rxjs/internal/scheduler/async';
import { Broker } from './Broker';
import { SasKeyring } from './cbs/SasKeyring';
import type { EmulatorOptions } from './config/EmulatorOptions';
import type { EmulatorHandle } from './EmulatorHandle';
import { resolveLimits } from './transport/BrokerLimits';
import { EmulatorServer } from './EmulatorServer';
import { EntityOptionsError } from './entities/EntityOptionsError';
import { NamespaceError } from './entities/NamespaceError';
import { EmulatorOptionsError } from './EmulatorOptionsError';
import type * as HttpSideModule from './http/startHttpSide';
import { resolveEntities } from './resolveEntities';

const DEFAULT_HOST = '127.0.0.1';

/**
 * Starts an in-process broker that speaks the Service Bus AMQP dialect for queues, topics and sessions closely
 * enough for the official `@azure/service-bus` SDK (and this library's client) to work against it
 * unmodified. Resolves once it listens; give `handle.connectionString` to a client.
 *
 * @throws EmulatorOptionsError / EmulatorConfigError for invalid entity options or configuration; the
 * listen error (e.g. `EADDRINUSE`) when the port cannot be bound.
 * @example
 * const emulator = await startEmulator({ queues: [{ name: 'orders', requiresSession: true }] });
 * const client = new ServiceBusClient(emulator.connectionString);
 * // …
 * await client.close();
 * await emulator.close();
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<EmulatorHandle> {
  const warn = options.onWarning ?? ((message: string) => console.warn(message));
  const entities = await resolveEntities(options, warn);
  const limits = resolveLimits(options.limits, options.scheduler !== undefined);
  const sasKeys = SasKeyring.from(options);
  const { name: keyName, key } = sasKeys.primary;
  let broker: Broker;
  try {
    broker = new Broker(entities, sasKeys, options.scheduler ?? asyncScheduler, warn, options.validateJwt);
  } catch (error: unknown) {
    if (error instanceof EntityOptionsError) throw new EmulatorOptionsError(error.option, error.problem, { cause: error });
    if (error instanceof NamespaceError) throw new EmulatorOptionsError('', error.message, { cause: error });
    throw error;
  }
  // The HTTP side (administration API, inspector) is loaded and built on its first connection, or at
  // once for its own port: most brokers never see one, and its modules are ~10 ms of every start.
  // It reads the server's connection count; the server hands it the HTTP sockets it sniffs.
  let server: EmulatorServer | undefined = undefined;
  let http: HttpSideModule.HttpSide | undefined;
  const httpSide = (): HttpSideModule.HttpSide =>
    (http ??= (require('./http/startHttpSide') as typeof HttpSideModule).startHttpSide(broker, () => server?.stats().connections ?? 0));
  // The server stops handing out HTTP sockets once it is closing (before `http` is read here).
  const closeAll = async (): Promise<void> => {
    await Promise.all([server?.close(), http?.close()]);
  };
  server = new EmulatorServer(broker, limits, options.scheduler === undefined, (socket) => {
    let side: HttpSideModule.HttpSide | undefined;
    try {
      side = httpSide();
    } catch (error: unknown) {
      // A broken install (its modules fail to load) costs the HTTP connection, never the broker.
      warn(`The HTTP side could not be started: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (side !== undefined) return side.front.accept(socket);
    socket.on('error', () => undefined);
    socket.destroy();
  });
  const host = options.host ?? DEFAULT_HOST;
  let port: number;
  let httpPort: number | undefined;
  try {
    port = (await server.listen(options.port ?? 0, host)).port;
    if (options.httpPort !== undefined) httpPort = (await httpSide().front.listen(options.httpPort, host)).port;
  } catch (error: unknown) {
    await closeAll();
    throw error;
  }
  const endpointHost = isLoopbackOrAny(host) ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return {
    http: { inspectorUrl: `http://${endpointHost}:${httpPort ?? port}/`, port: httpPort },
    port,
    host,
    connectionString: `Endpoint=sb://${endpointHost}:${port};SharedAccessKeyName=${keyName};SharedAccessKey=${key};UseDevelopmentEmulator=true;`,
    close: closeAll,
    injectFault: (operation, fault) => broker.faults.inject(operation, fault),
    stats: () => server.stats(),
  };
}

function isLoopbackOrAny(host: string): boolean {
  return host === 'localhost' || host === '0.0.0.0' || host === '::' || host === '::1' || host.startsWith('127.');
}
