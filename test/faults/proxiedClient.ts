import { filter, firstValueFrom, lastValueFrom } from 'rxjs';
import { startEmulator, type EmulatorHandle } from '../../src/emulator';
import { ServiceBusClient, type AcceptSessionOptions, type LockLost, type ServiceBusClientOptions, type Session } from '../../src';
import { startFaultProxy, type FaultProxy } from './FaultProxy';

/** What {@link proxiedClient} gives a fault test file. */
export interface ProxiedClient {
  readonly broker: EmulatorHandle;
  /** The current test's proxy (a new one per test, closed after it). */
  readonly proxy: FaultProxy;
  /** The current test's client, connected through `proxy` (closed after the test). */
  readonly client: ServiceBusClient;
  /** A client straight to the broker (no faults), for sending and checking. */
  readonly direct: ServiceBusClient;
  /** Sends `count` messages (bodies `0..count-1`) to session `sessionId` of `sq`, straight to the broker. */
  send(sessionId: string, count: number): Promise<void>;
  /** Accepts `sessionId` through the proxy; the session is closed after the test. */
  accept(sessionId: string, options?: AcceptSessionOptions): Promise<Session>;
}

/**
 * Jest hooks for fault tests: one broker per file with a session queue `sq` (lock `lockMs`), and per
 * test a fault proxy in front of it and a client through the proxy (with `options`).
 */
export function proxiedClient(lockMs: number, options: ServiceBusClientOptions = {}): ProxiedClient {
  let broker: EmulatorHandle | undefined;
  let proxy: FaultProxy | undefined;
  let client: ServiceBusClient | undefined;
  let direct: ServiceBusClient | undefined;
  const sessions: Session[] = [];
  beforeAll(async () => {
    broker = await startEmulator({ port: 0, queues: [{ name: 'sq', requiresSession: true, lockDurationMs: lockMs, maxDeliveryCount: 50 }] });
    direct = new ServiceBusClient(broker.connectionString);
  });
  afterAll(async () => {
    await direct?.close();
    await broker?.close();
  });
  beforeEach(async () => {
    const b = broker as EmulatorHandle;
    proxy = await startFaultProxy({ host: '127.0.0.1', port: b.port });
    client = new ServiceBusClient(proxy.connectionString(b.connectionString), options);
  });
  afterEach(async () => {
    proxy?.heal();
    await Promise.all(sessions.splice(0).map((s) => s.close()));
    await client?.close();
    await proxy?.close();
  });
  const bed: ProxiedClient = {
    get broker() {
      return broker as EmulatorHandle;
    },
    get proxy() {
      return proxy as FaultProxy;
    },
    get client() {
      return client as ServiceBusClient;
    },
    get direct() {
      return direct as ServiceBusClient;
    },
    async send(sessionId, count) {
      const batch = Array.from({ length: count }, (_, i) => ({ body: i, sessionId }));
      await lastValueFrom(bed.direct.send('sq', batch), { defaultValue: undefined });
    },
    async accept(sessionId, acceptOptions) {
      const session = await firstValueFrom(bed.client.acceptSession('sq', sessionId, acceptOptions));
      sessions.push(session);
      return session;
    },
  };
  return bed;
}

/** The session's `lost` state. */
export function lost(session: Session): Promise<LockLost> {
  return firstValueFrom(session.lock$.pipe(filter((s): s is LockLost => s.kind === 'lost')));
}

/** Resolves once `condition` holds (checked every 10 ms); rejects after `ms`. */
export async function until(condition: () => boolean, ms = 15_000): Promise<void> {
  for (let waited = 0; !condition(); waited += 10) {
    if (waited >= ms) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Resolves with the error `source` fails with (rejects if it succeeds). */
export function failure(source: { subscribe(o: { error(e: unknown): void; complete(): void }): unknown }): Promise<unknown> {
  return new Promise((resolve, reject) => {
    source.subscribe({ error: resolve, complete: () => reject(new Error('expected a failure, it succeeded')) });
  });
}
