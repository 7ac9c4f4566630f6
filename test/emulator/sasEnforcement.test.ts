/**
 * SAS the way Service Bus enforces it (issue 10): audience scheme and host, namespace vs entity tokens,
 * expiry on live links, JWTs only with a validator, rights per key for links and `$management`
 * operations. Checked with the official SDK and with raw rhea.
 */
import { ServiceBusClient } from '@azure/service-bus';
import { createHmac } from 'node:crypto';
import { type EmulatorHandle, type SasKeyOptions, startEmulator } from '../../src/emulator';
import { RawClient, within } from './badInputRaw';
import { errorOf } from './sdkHarness';

/** A SAS token for resource `sr`, signed with `key`, expiring at `se` (Unix seconds). */
function token(sr: string, keyName: string, key: string, se = Math.floor(Date.now() / 1000) + 3600): string {
  const resource = encodeURIComponent(sr);
  const sig = encodeURIComponent(createHmac('sha256', key).update(`${resource}\n${se}`).digest('base64'));
  return `SharedAccessSignature sr=${resource}&sig=${sig}&se=${se}&skn=${encodeURIComponent(keyName)}`;
}

const KEYS: SasKeyOptions[] = [
  { name: 'root', key: 'root-key' },
  { name: 'listener', key: 'listen-key', rights: ['Listen'] },
  { name: 'sender', key: 'send-key', rights: ['Send'] },
];

let broker: EmulatorHandle;
const connectionString = (name: string, key: string): string => `Endpoint=sb://localhost:${broker.port};SharedAccessKeyName=${name};SharedAccessKey=${key};UseDevelopmentEmulator=true;`;

beforeAll(async () => {
  broker = await startEmulator({
    port: 0,
    onWarning: () => undefined,
    sasKeys: KEYS,
    validateJwt: (jwt) => (jwt === 'good.jwt.listen' ? { rights: ['Listen'], expiresAtMs: Date.now() + 60_000 } : undefined),
    queues: [{ name: 'q1' }, { name: 'q2' }],
  });
});
afterAll(() => broker.close());

async function withRaw<T>(run: (client: RawClient) => Promise<T>): Promise<T> {
  const client = await RawClient.open(broker.port);
  try {
    return await run(client);
  } finally {
    await client.close();
  }
}

describe('SAS enforcement', () => {
  it('offers a connection string with the first Manage key', () => {
    expect(broker.connectionString).toContain('SharedAccessKeyName=root;SharedAccessKey=root-key;');
  });

  it('refuses an audience or a token resource naming another host or scheme (InvalidAudience)', async () => {
    await withRaw(async (raw) => {
      const foreign = 'sb://other.servicebus.windows.net/q1';
      expect((await raw.putToken(foreign, token(foreign, 'root', 'root-key'))).statusCode).toBe(401);
      const ours = raw.audience('q1');
      expect((await raw.putToken(ours, token(foreign, 'root', 'root-key'))).statusCode).toBe(401);
      expect((await raw.putToken(ours, token(ours.replace('sb://', 'https://'), 'root', 'root-key'))).statusCode).toBe(401);
      expect((await raw.putToken(ours, token(ours, 'root', 'root-key'))).statusCode).toBe(202);
    });
  });

  it('lets a namespace token authorise every entity, an entity token only that entity and its children', async () => {
    await withRaw(async (raw) => {
      const namespace = `sb://localhost:${broker.port}/`;
      expect((await raw.putToken(raw.audience('q2'), token(namespace, 'root', 'root-key'))).statusCode).toBe(202);
      expect((await raw.sender('q2')).ok).toBe(true);
    });
    await withRaw(async (raw) => {
      expect((await raw.putToken(raw.audience('q2'), token(raw.audience('q1'), 'root', 'root-key'))).statusCode).toBe(401);
      expect((await raw.putToken(raw.audience('q1'), token(raw.audience('q1'), 'root', 'root-key'))).statusCode).toBe(202);
      expect((await raw.sender('q1')).ok).toBe(true);
      expect((await raw.receiver('q1/$deadletterqueue')).ok).toBe(true);
      const refused = await raw.sender('q2');
      expect(refused.ok).toBe(false);
      expect(refused.ok === false && refused.error?.condition).toBe('amqp:unauthorized-access');
    });
  });

  it('detaches a link whose token lapsed with amqp:unauthorized-access, and keeps one whose token was renewed', async () => {
    await withRaw(async (lapsing) => {
      await withRaw(async (renewed) => {
        const soon = Math.floor(Date.now() / 1000) + 2;
        for (const raw of [lapsing, renewed]) expect((await raw.putToken(raw.audience('q1'), token(raw.audience('q1'), 'root', 'root-key', soon))).statusCode).toBe(202);
        const gone = await lapsing.receiver('q1');
        const kept = await renewed.receiver('q1');
        if (!gone.ok || !kept.ok) throw new Error('receivers refused');
        expect((await renewed.putToken(renewed.audience('q1'), token(renewed.audience('q1'), 'root', 'root-key'))).statusCode).toBe(202);
        await within(new Promise((resolve) => gone.link.once('receiver_close', resolve)), 10_000, 'the lapsed link detached');
        expect((gone.link.error as { condition?: string } | undefined)?.condition).toBe('amqp:unauthorized-access');
        expect(kept.link.is_open()).toBe(true);
        expect(kept.link.is_closed()).toBe(false);
      });
    });
  });

  it('refuses a JWT without a validator verdict, and grants what the validator returns', async () => {
    await withRaw(async (raw) => {
      expect((await raw.putToken(raw.audience('q1'), 'any.other.jwt', 'jwt')).statusCode).toBe(401);
      expect((await raw.putToken(raw.audience('q1'), 'good.jwt.listen', 'jwt')).statusCode).toBe(202);
      expect((await raw.receiver('q1')).ok).toBe(true);
      const send = await raw.sender('q1');
      expect(send.ok === false && send.error?.condition).toBe('amqp:unauthorized-access');
    });
  });

  it('checks rights per key with the official SDK: Send sends, Listen receives, neither does the other', async () => {
    const sender = new ServiceBusClient(connectionString('sender', 'send-key'), { retryOptions: { maxRetries: 0 } });
    const listener = new ServiceBusClient(connectionString('listener', 'listen-key'), { retryOptions: { maxRetries: 0 } });
    try {
      await sender.createSender('q2').sendMessages({ body: 'by-sender' });
      expect((await errorOf(listener.createSender('q2').sendMessages({ body: 'x' }))).code).toBe('UnauthorizedAccess');
      expect((await errorOf(sender.createReceiver('q2').receiveMessages(1, { maxWaitTimeInMs: 2_000 }))).code).toBe('UnauthorizedAccess');
      const receiver = listener.createReceiver('q2');
      const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5_000 });
      expect(message?.body).toBe('by-sender');
      await receiver.completeMessage(message!);
    } finally {
      await Promise.all([sender.close(), listener.close()]);
    }
  });

  it('checks $management operations against the right they need', async () => {
    const sender = new ServiceBusClient(connectionString('sender', 'send-key'), { retryOptions: { maxRetries: 0 } });
    const listener = new ServiceBusClient(connectionString('listener', 'listen-key'), { retryOptions: { maxRetries: 0 } });
    try {
      const [sequence] = await sender.createSender('q1').scheduleMessages({ body: 'later' }, new Date(Date.now() + 3_600_000));
      expect((await errorOf(sender.createReceiver('q1').peekMessages(1))).code).toBe('UnauthorizedAccess');
      expect((await errorOf(listener.createSender('q1').cancelScheduledMessages(sequence!))).code).toBe('UnauthorizedAccess');
      const peeked = await listener.createReceiver('q1').peekMessages(10);
      expect(peeked.map((m) => m.body)).toContain('later');
      await sender.createSender('q1').cancelScheduledMessages(sequence!);
    } finally {
      await Promise.all([sender.close(), listener.close()]);
    }
  });
});

describe('small protocol items (issue 10, point 7)', () => {
  it("resolves neither 'q1/' nor 'q1//' to queue q1", async () => {
    await withRaw(async (raw) => {
      expect((await raw.putToken(raw.audience('q1'), token(raw.audience('q1'), 'root', 'root-key'))).statusCode).toBe(202);
      for (const address of ['q1/', 'q1//']) {
        const refused = await raw.sender(address);
        expect(refused.ok === false && refused.error?.condition).toBe('amqp:not-found');
      }
      expect((await raw.sender('q1')).ok).toBe(true);
    });
  });
});
