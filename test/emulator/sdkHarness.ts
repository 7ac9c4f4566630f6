import { ServiceBusClient, type ServiceBusClientOptions } from '@azure/service-bus';
import { startEmulator, type EmulatorHandle, type EmulatorOptions } from '../../src/emulator';

/**
 * Per-file test harness: one broker on port 0 and the SDK clients made from it, all closed by
 * `close()` (call it in `afterAll`).
 */
export class SdkHarness {
  private readonly clients: ServiceBusClient[] = [];

  private constructor(readonly emulator: EmulatorHandle) {}

  static async start(options: EmulatorOptions): Promise<SdkHarness> {
    return new SdkHarness(await startEmulator({ onWarning: () => undefined, ...options }));
  }

  /** A new SDK client (its own AMQP connection). Retries are off so a failure surfaces at once. */
  client(options: ServiceBusClientOptions = {}, connectionString = this.emulator.connectionString): ServiceBusClient {
    const client = new ServiceBusClient(connectionString, { retryOptions: { maxRetries: 0, ...options.retryOptions }, ...options });
    this.clients.push(client);
    return client;
  }

  /** Closes the SDK clients made so far (not the broker). */
  async closeClients(): Promise<void> {
    const clients = this.clients.splice(0);
    await Promise.all(clients.map((client) => client.close()));
  }

  async close(): Promise<void> {
    await this.closeClients();
    await this.emulator.close();
  }
}

/** Rejects with the error `promise` rejects with, or fails when it resolves. */
export async function errorOf(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await promise;
  } catch (error: unknown) {
    return error as Error & { code?: string };
  }
  throw new Error('Expected the operation to fail, but it succeeded.');
}
