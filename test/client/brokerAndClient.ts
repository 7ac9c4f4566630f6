import { firstValueFrom } from 'rxjs';
import { startEmulator, type EmulatorHandle, type QueueOptions } from '../../src/emulator';
import { ServiceBusClient, type AcceptSessionOptions, type Session } from '../../src';

/** What {@link brokerAndClient} gives a test file. */
export interface BrokerAndClient {
  /** The file's embedded broker (port 0), with one session queue `sq`. */
  readonly broker: EmulatorHandle;
  /** The current test's client (a new one per test, closed after it). */
  readonly client: ServiceBusClient;
  /** A second client for the current test (another connection; created on first use, closed after it). */
  readonly other: ServiceBusClient;
  /** Closes `session` after the test; returns it. */
  keep(session: Session): Session;
  /** Accepts session `sessionId` of `sq` on the test's client; the session is closed after the test. */
  accept(sessionId: string, options?: AcceptSessionOptions): Promise<Session>;
}

/**
 * The set-up most client tests share, registered as jest hooks: one broker for the file with a
 * session queue `sq` (`queue` adds to or overrides its options), a fresh client per test, and after
 * each test the sessions taken with `accept` or `keep` closed, then the clients.
 */
export function brokerAndClient(queue: Omit<QueueOptions, 'name'> = {}): BrokerAndClient {
  let broker: EmulatorHandle | undefined;
  let client: ServiceBusClient | undefined;
  let other: ServiceBusClient | undefined;
  const sessions: Session[] = [];
  beforeAll(async () => {
    // JWTs (TokenCredential tests) need a validator since the broker refuses them by default.
    broker = await startEmulator({ port: 0, queues: [{ name: 'sq', requiresSession: true, ...queue }], validateJwt: () => ({ rights: ['Manage'], expiresAtMs: Date.now() + 3_600_000 }) });
  });
  afterAll(async () => {
    await broker?.close();
  });
  beforeEach(() => {
    client = new ServiceBusClient((broker as EmulatorHandle).connectionString);
  });
  afterEach(async () => {
    await Promise.all(sessions.splice(0).map((s) => s.close()));
    await Promise.all([client?.close(), other?.close()]);
    other = undefined;
  });
  const bed: BrokerAndClient = {
    get broker() {
      return broker as EmulatorHandle;
    },
    get client() {
      return client as ServiceBusClient;
    },
    get other() {
      return (other ??= new ServiceBusClient((broker as EmulatorHandle).connectionString));
    },
    keep(session) {
      sessions.push(session);
      return session;
    },
    async accept(sessionId, options) {
      return bed.keep(await firstValueFrom(bed.client.acceptSession('sq', sessionId, options)));
    },
  };
  return bed;
}
