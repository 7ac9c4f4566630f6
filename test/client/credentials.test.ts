import { AzureNamedKeyCredential, AzureSASCredential, type AccessToken, type TokenCredential } from '@azure/core-auth';
import { firstValueFrom, lastValueFrom } from 'rxjs';
import { startEmulator, type EmulatorHandle } from '../../src/emulator';
import { EntityNotFoundError, InvalidArgumentError, ServiceBusClient, UnauthorizedError } from '../../src';
import { createSasToken } from '../../src/auth/sasToken';

let broker: EmulatorHandle;
const clients: ServiceBusClient[] = [];
const track = (c: ServiceBusClient): ServiceBusClient => (clients.push(c), c);

beforeAll(async () => {
  // The broker refuses JWTs unless a validator grants them.
  broker = await startEmulator({
    port: 0,
    queues: [{ name: 'sq', requiresSession: true, lockDurationMs: 5_000 }],
    validateJwt: () => ({ rights: ['Manage'], expiresAtMs: Date.now() + 3_600_000 }),
  });
});
afterAll(async () => {
  await broker.close();
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

/** Sends one message and accepts its session: proves CBS, sender and receiver attach all worked. */
async function roundTrip(client: ServiceBusClient, sessionId: string): Promise<void> {
  await lastValueFrom(client.send('sq', { body: 'hi', sessionId }));
  const session = await firstValueFrom(client.acceptSession('sq', sessionId));
  const message = await firstValueFrom(session.messages$);
  await lastValueFrom(message.complete());
  expect(message.body).toBe('hi');
  await session.close();
}

const namespace = () => `localhost:${broker.port}`;

describe('credentials', () => {
  it('connects with a connection string (SAS key)', async () => {
    await roundTrip(track(new ServiceBusClient(broker.connectionString)), 'cs');
  });

  it('connects with a SharedAccessSignature connection string', async () => {
    const token = createSasToken(`sb://localhost:${broker.port}/sq`, 'RootManageSharedAccessKey', 'SAS_KEY_VALUE', Math.floor(Date.now() / 1000) + 3600);
    const cs = `Endpoint=sb://localhost:${broker.port}/;SharedAccessSignature=${token};UseDevelopmentEmulator=true`;
    await lastValueFrom(track(new ServiceBusClient(cs)).send('sq', { body: 'x', sessionId: 'sig' }));
    expect(broker.stats().queues[0]?.active).toBeGreaterThan(0);
  });

  it('connects with a NamedKeyCredential', async () => {
    const credential = new AzureNamedKeyCredential('RootManageSharedAccessKey', 'SAS_KEY_VALUE');
    await roundTrip(track(new ServiceBusClient(namespace(), credential, { useDevelopmentEmulator: true })), 'named');
  });

  it('connects with a SASCredential', async () => {
    const token = createSasToken(`sb://localhost:${broker.port}/`, 'RootManageSharedAccessKey', 'SAS_KEY_VALUE', Math.floor(Date.now() / 1000) + 3600);
    await roundTrip(track(new ServiceBusClient(`sb://${namespace()}/`, new AzureSASCredential(token), { useDevelopmentEmulator: true })), 'sas');
  });

  it('connects with a TokenCredential (CBS type jwt, Service Bus scope)', async () => {
    const scopes: unknown[] = [];
    const credential: TokenCredential = {
      getToken: async (scope): Promise<AccessToken> => {
        scopes.push(scope);
        return { token: 'header.payload.signature', expiresOnTimestamp: Date.now() + 3_600_000 };
      },
    };
    await roundTrip(track(new ServiceBusClient(namespace(), credential, { useDevelopmentEmulator: true })), 'jwt');
    expect(scopes[0]).toBe('https://servicebus.azure.net/.default');
  });

  it('sessions accepted while the entity\'s token is held join it: one put-token, not one per link; a fresh one once nothing holds it', async () => {
    let tokens = 0;
    const credential: TokenCredential = {
      getToken: async (): Promise<AccessToken> => {
        tokens++;
        return { token: 'header.payload.signature', expiresOnTimestamp: Date.now() + 3_600_000 };
      },
    };
    const ids = ['join-1', 'join-2', 'join-3', 'join-4'];
    const sender = track(new ServiceBusClient(broker.connectionString));
    await lastValueFrom(sender.send('sq', ids.map((sessionId) => ({ body: sessionId, sessionId }))));
    const client = track(new ServiceBusClient(namespace(), credential, { useDevelopmentEmulator: true }));
    const first = await firstValueFrom(client.acceptSession('sq', ids[0]!));
    const afterFirst = tokens;
    const others = [];
    for (const id of ids.slice(1)) others.push(await firstValueFrom(client.acceptSession('sq', id)));
    expect(tokens).toBe(afterFirst);
    for (const session of [first, ...others]) expect((await firstValueFrom(session.messages$)).body).toBe(session.sessionId);
    for (const session of [first, ...others]) await session.close();
    await lastValueFrom(sender.send('sq', { body: 'again', sessionId: 'join-5' }));
    const again = await firstValueFrom(client.acceptSession('sq', 'join-5'));
    expect(tokens).toBe(afterFirst + 1);
    await again.close();
  });

  it('reports a TokenCredential that returns no token as UnauthorizedError', async () => {
    const credential: TokenCredential = { getToken: async () => null };
    const client = track(new ServiceBusClient(namespace(), credential, { useDevelopmentEmulator: true }));
    await expect(lastValueFrom(client.send('sq', { body: 1, sessionId: 's' }))).rejects.toBeInstanceOf(UnauthorizedError);
  });

  it('reports a wrong key as UnauthorizedError (CBS 401)', async () => {
    const cs = broker.connectionString.replace('SAS_KEY_VALUE', 'WRONG');
    const client = track(new ServiceBusClient(cs, { retry: { maxRetries: 0 } }));
    await expect(lastValueFrom(client.send('sq', { body: 1, sessionId: 's' }))).rejects.toBeInstanceOf(UnauthorizedError);
  });

  it('reports an unknown queue as EntityNotFoundError (CBS 404)', async () => {
    const client = track(new ServiceBusClient(broker.connectionString));
    await expect(firstValueFrom(client.acceptSession('nope', 's'))).rejects.toBeInstanceOf(EntityNotFoundError);
    await expect(lastValueFrom(client.send('nope', { body: 1 }))).rejects.toBeInstanceOf(EntityNotFoundError);
  });
});

describe('bad input at the constructor', () => {
  const expectInvalid = (make: () => unknown, argument: string): void => {
    let error: unknown;
    try {
      make();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).argument).toBe(argument);
  };

  it('refuses a namespace without a credential', () => {
    expectInvalid(() => new ServiceBusClient('myns.servicebus.windows.net'), 'credential');
  });
  it('refuses an object that is not a credential', () => {
    expectInvalid(() => new ServiceBusClient('myns.servicebus.windows.net', { key: 1 } as never), 'credential');
  });
  it('refuses a NamedKeyCredential with an empty name', () => {
    expectInvalid(() => new ServiceBusClient('myns.servicebus.windows.net', { name: '', key: 'k' }), 'credential.name');
  });
  it('refuses an empty namespace', () => {
    expectInvalid(() => new ServiceBusClient('', new AzureNamedKeyCredential('k', 'v')), 'fullyQualifiedNamespace');
  });
  it('refuses an empty or garbage connection string', () => {
    expectInvalid(() => new ServiceBusClient(''), 'connectionString');
    expectInvalid(() => new ServiceBusClient('Endpoint=;;;'), 'connectionString');
  });
  it('refuses a queue that does not match EntityPath', () => {
    const client = new ServiceBusClient('Endpoint=sb://h/;SharedAccessKeyName=k;SharedAccessKey=v;EntityPath=orders');
    expectInvalid(() => client.acceptSession('other', 's'), 'queue');
    expect(() => client.acceptSession('orders', 's')).not.toThrow();
  });
  it('refuses bad retry options', () => {
    expectInvalid(() => new ServiceBusClient(broker.connectionString, { retry: { maxRetries: -1 } }), 'options.retry.maxRetries');
  });
});
