import { ServiceBusClient } from '@azure/service-bus';
import { errorOf, SdkHarness } from './sdkHarness';
import { RawAmqp, sasToken } from './rawAmqp';

describe('emulator: connection and CBS authorisation', () => {
  let harness: SdkHarness;
  const raws: RawAmqp[] = [];
  const raw = async (): Promise<RawAmqp> => {
    const client = await RawAmqp.connect(harness.emulator.port);
    raws.push(client);
    return client;
  };

  beforeAll(async () => {
    harness = await SdkHarness.start({ queues: [{ name: 'q1' }, { name: 'sq', requiresSession: true }], sasKeyName: 'MyKey', sasKey: 'secret-key' });
  });
  afterEach(async () => {
    await Promise.all(raws.splice(0).map((client) => client.close()));
    await harness.closeClients();
  });
  afterAll(() => harness.close());

  it('hands out a development-emulator connection string with the configured key', () => {
    expect(harness.emulator.connectionString).toBe(
      `Endpoint=sb://localhost:${harness.emulator.port};SharedAccessKeyName=MyKey;SharedAccessKey=secret-key;UseDevelopmentEmulator=true;`,
    );
  });

  it('lets a client with the right key send', async () => {
    await harness.client().createSender('q1').sendMessages({ body: 'hello' });
    expect(harness.emulator.stats().queues.find((q) => q.name === 'q1')?.active).toBe(1);
  });

  it('refuses a token signed with the wrong key: UnauthorizedAccess', async () => {
    const wrong = harness.emulator.connectionString.replace('SharedAccessKey=secret-key', 'SharedAccessKey=not-the-key');
    const error = await errorOf(harness.client({}, wrong).createSender('q1').sendMessages({ body: 'x' }));
    expect(error.code).toBe('UnauthorizedAccess');
  });

  it('refuses a token with the wrong key name: UnauthorizedAccess', async () => {
    const wrong = harness.emulator.connectionString.replace('SharedAccessKeyName=MyKey', 'SharedAccessKeyName=Other');
    const error = await errorOf(harness.client({}, wrong).createSender('q1').sendMessages({ body: 'x' }));
    expect(error.code).toBe('UnauthorizedAccess');
  });

  it('refuses an expired token: UnauthorizedAccess', async () => {
    const audience = `sb://localhost:${harness.emulator.port}/`;
    const expired = sasToken(audience, 'MyKey', 'secret-key', Math.floor(Date.now() / 1000) - 10);
    const connectionString = `Endpoint=sb://localhost:${harness.emulator.port};SharedAccessSignature=${expired};UseDevelopmentEmulator=true;`;
    const error = await errorOf(harness.client({}, connectionString).createSender('q1').sendMessages({ body: 'x' }));
    expect(error.code).toBe('UnauthorizedAccess');
  });

  it('accepts a valid namespace-wide SharedAccessSignature connection string (no SASL layer)', async () => {
    const audience = `sb://localhost:${harness.emulator.port}/`;
    const token = sasToken(audience, 'MyKey', 'secret-key', Math.floor(Date.now() / 1000) + 600);
    const client = harness.client({}, `Endpoint=sb://localhost:${harness.emulator.port};SharedAccessSignature=${token};UseDevelopmentEmulator=true;`);
    await client.createSender('sq').sendMessages({ body: 'sas', sessionId: 'sas-session' });
    const receiver = await client.acceptSession('sq', 'sas-session');
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5_000 });
    expect(message?.body).toBe('sas');
    await receiver.completeMessage(message!);
  });

  it('reports an unknown entity as MessagingEntityNotFound', async () => {
    const error = await errorOf(harness.client().createSender('nope').sendMessages({ body: 'x' }));
    expect(error.code).toBe('MessagingEntityNotFound');
    expect(error.message).toMatch(/The messaging entity 'sb:\/\/localhost:\d+\/nope' could not be found/);
  });

  it('answers put-token with an int status, 404 for unknown entities, and 401 for a jwt (no validator configured)', async () => {
    const client = await raw();
    const audience = `sb://localhost:${harness.emulator.port}/q1`;
    await expect(client.putToken(audience, sasToken(audience, 'MyKey', 'secret-key', Math.floor(Date.now() / 1000) + 60))).resolves.toEqual({
      status: 202,
      description: 'Accepted',
    });
    await expect(client.putToken(`sb://localhost/none`, 'x')).resolves.toMatchObject({ status: 404 });
    await expect(client.putToken(audience, 'eyJhbGciOi.any.thing', 'jwt')).resolves.toMatchObject({ status: 401 });
    await expect(client.putToken(audience, sasToken(`sb://localhost/sq`, 'MyKey', 'secret-key', 9_999_999_999))).resolves.toMatchObject({ status: 401 });
  });

  it('refuses an attach to an entity whose audience was never authorised on that connection', async () => {
    const client = await raw();
    const session = await client.connection.createSession();
    await expect(session.createSender({ target: { address: 'q1' } })).rejects.toMatchObject({ condition: 'amqp:unauthorized-access' });
  });

  it('closes cleanly while SDK clients are still connected', async () => {
    const other = await SdkHarness.start({ queues: [{ name: 'q' }] });
    const client = new ServiceBusClient(other.emulator.connectionString, { retryOptions: { maxRetries: 0 } });
    await client.createSender('q').sendMessages({ body: 1 });
    await other.emulator.close();
    await other.emulator.close(); // idempotent
    await client.close();
  });
});
