/**
 * Well-formed AMQP carrying bad requests, sent with raw rhea (no SDK in the way): oversize messages,
 * invalid session ids, unknown entities, bad CBS tokens, unknown management operations. Each must
 * be refused with the documented condition, and the broker must keep serving other connections
 * without losing stored messages.
 */
import { ServiceBusClient, isServiceBusError } from '@azure/service-bus';
import { message as rheaMessage } from 'rhea';
import { type SchedulerAction, type SchedulerLike, type Subscription, asyncScheduler } from 'rxjs';

import { type EmulatorHandle, startEmulator } from '../../src/emulator';
import { queueDefaults } from '../../src/emulator/config';
import { RawClient, expectRoundTrip, sasToken } from './badInputRaw';

const PRECIOUS = ['p1', 'p2', 'p3'];
/** Longest delay a Node timer can hold; longer ones fire after 1 ms (TimeoutOverflowWarning). */
const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;
const DAY_MS = 24 * 3_600_000;

/** The real clock, recording every delay asked of it into `delays`. */
function recordingScheduler(delays: number[]): SchedulerLike {
  return {
    now: () => asyncScheduler.now(),
    schedule<T>(work: (this: SchedulerAction<T>, state?: T) => void, delay?: number, state?: T): Subscription {
      delays.push(delay ?? 0);
      return asyncScheduler.schedule(work, delay, state);
    },
  };
}
const MAX_MESSAGE_SIZE = 262_144;

let broker: EmulatorHandle;
let raw: RawClient;
/** What the broker reported through `onWarning` (kept out of the test output). */
const warnings: string[] = [];

beforeAll(async () => {
  broker = await startEmulator({
    port: 0,
    onWarning: (warning) => warnings.push(warning),
    queues: [
      { ...queueDefaults, name: 'alive' },
      { ...queueDefaults, name: 'plain' },
      { ...queueDefaults, name: 'sessions', requiresSession: true },
      { ...queueDefaults, name: 'keep', requiresSession: true },
    ],
  });
  const client = new ServiceBusClient(broker.connectionString);
  try {
    await client.createSender('keep').sendMessages(PRECIOUS.map((body) => ({ body, sessionId: 'precious' })));
  } finally {
    await client.close();
  }
});

beforeEach(async () => {
  raw = await RawClient.open(broker.port);
});

afterEach(async () => {
  await raw?.close();
});

afterAll(async () => {
  await broker?.close();
});

/** A raw sender on `entity`, authorised like the SDK does it (put-token first). */
async function authorisedSender(entity: string) {
  const token = await raw.putToken(raw.audience(entity));
  expect(token.statusCode).toBeGreaterThanOrEqual(200);
  expect(token.statusCode).toBeLessThan(300);
  const attached = await raw.sender(entity);
  if (!attached.ok) throw new Error(`sender on '${entity}' refused: ${JSON.stringify(attached.error)}`);
  return attached.link;
}

const alive = () => expectRoundTrip(broker.connectionString, 'alive');

describe('oversize messages', () => {
  it(`rejects a message over ${MAX_MESSAGE_SIZE} bytes with amqp:link:message-size-exceeded, and the link keeps working`, async () => {
    const sender = await authorisedSender('plain');
    const big = await RawClient.send(sender, { body: rheaMessage.data_section(Buffer.alloc(MAX_MESSAGE_SIZE + 1024, 0x61)) });
    expect(big.outcome).toBe('rejected');
    expect(big.error?.condition).toBe('amqp:link:message-size-exceeded');

    const small = await RawClient.send(sender, { body: rheaMessage.data_section(Buffer.from('small')) });
    expect(small.outcome).toBe('accepted');
    await alive();
  });

  it('accepts a message just under the limit', async () => {
    const sender = await authorisedSender('plain');
    const outcome = await RawClient.send(sender, { body: rheaMessage.data_section(Buffer.alloc(MAX_MESSAGE_SIZE - 4096, 0x62)) });
    expect(outcome.outcome).toBe('accepted');
  });

  it('advertises max-message-size 262144 on the sender attach', async () => {
    const sender = await authorisedSender('plain');
    const remote = (sender as unknown as { remote: { attach?: { max_message_size?: unknown } } }).remote;
    expect(Number(remote.attach?.max_message_size)).toBe(MAX_MESSAGE_SIZE);
  });
});

describe('undecodable messages', () => {
  it.each([
    ['a format-0 transfer whose payload is not an AMQP message', Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00, 0x53]), 0],
    ['a truncated data section', Buffer.from([0x00, 0x53, 0x75, 0xb0, 0x00, 0x00, 0x10, 0x00, 0x61]), 0],
    ['a batch (format 0x80013700) whose inner section is garbage', Buffer.from([0x00, 0x53, 0x75, 0xa0, 0x03, 0xde, 0xad, 0xbe]), 0x80013700],
  ])('rejects %s, and the link keeps working', async (_label, payload, format) => {
    const sender = await authorisedSender('plain');
    const bad = await new Promise<Awaited<ReturnType<typeof RawClient.send>>>((resolve) => {
      // rhea sends a Buffer as the raw payload of the transfer.
      const delivery = sender.send(payload, undefined, format);
      const settle = (outcome: 'accepted' | 'rejected' | 'released' | 'modified') => (context: { delivery?: unknown }) => {
        if (context.delivery !== delivery) return;
        const state = (delivery as { remote_state?: { error?: { condition: string; description: string } } }).remote_state;
        resolve({ outcome, error: state?.error });
      };
      sender.on('accepted', settle('accepted'));
      sender.on('rejected', settle('rejected'));
      sender.on('released', settle('released'));
      sender.on('modified', settle('modified'));
      sender.on('sender_close', () => resolve({ outcome: 'link-closed', error: undefined }));
    });
    expect(bad.outcome).toBe('rejected');
    expect(bad.error?.condition).toBe('amqp:decode-error');
    expect((await RawClient.send(sender, { body: rheaMessage.data_section(Buffer.from('fine')) })).outcome).toBe('accepted');
    await alive();
  });
});

describe('links that do not fit the entity', () => {
  it('refuses a session receiver on a queue without sessions', async () => {
    expect((await raw.putToken(raw.audience('plain'))).statusCode).toBeLessThan(300);
    const attached = await raw.receiver('plain', 's1');
    expect(attached.ok).toBe(false);
    if (!attached.ok) expect(typeof attached.error?.condition).toBe('string');
    await alive();
  });

  it('refuses a plain receiver on a session queue', async () => {
    expect((await raw.putToken(raw.audience('sessions'))).statusCode).toBeLessThan(300);
    const attached = await raw.receiver('sessions');
    expect(attached.ok).toBe(false);
    if (!attached.ok) expect(typeof attached.error?.condition).toBe('string');
    await alive();
  });

  it('refuses a sender without a target address', async () => {
    const sender = raw.connection.open_sender({ source: { address: 'raw-no-target' } });
    const closed = await new Promise<boolean>((resolve) => {
      sender.on('sendable', () => resolve(false));
      sender.on('sender_close', () => resolve(true));
    });
    expect(closed).toBe(true);
    await alive();
  });
});

describe('invalid session ids', () => {
  it.each([
    ['no session id', undefined],
    ['an empty session id', ''],
    ['a session id of 129 characters', 's'.repeat(129)],
  ])('rejects a message with %s sent to a session queue', async (_label, groupId) => {
    const sender = await authorisedSender('sessions');
    const outcome = await RawClient.send(sender, {
      ...(groupId === undefined ? {} : { group_id: groupId }),
      body: rheaMessage.data_section(Buffer.from('x')),
    });
    expect(outcome.outcome).toBe('rejected');
    expect(typeof outcome.error?.condition).toBe('string');
    await alive();
  });

  it('accepts a session id of exactly 128 characters, and delivers it', async () => {
    const id = 'a'.repeat(128);
    const sender = await authorisedSender('sessions');
    expect((await RawClient.send(sender, { group_id: id, body: rheaMessage.data_section(Buffer.from('edge')) })).outcome).toBe('accepted');
    const client = new ServiceBusClient(broker.connectionString);
    try {
      const receiver = await client.acceptSession('sessions', id);
      const [m] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 15_000 });
      expect(m?.sessionId).toBe(id);
      if (m) await receiver.completeMessage(m);
    } finally {
      await client.close();
    }
  });

  it.each([
    ['an empty session filter', ''],
    ['a session filter of 129 characters', 's'.repeat(129)],
  ])('refuses a session receiver with %s', async (_label, filter) => {
    expect((await raw.putToken(raw.audience('sessions'))).statusCode).toBeLessThan(300);
    const attached = await raw.receiver('sessions', filter);
    expect(attached.ok).toBe(false);
    if (!attached.ok) expect(typeof attached.error?.condition).toBe('string');
    await alive();
  });
});

describe('unknown entities', () => {
  it('answers put-token for an unknown entity with 404 and the Service Bus description', async () => {
    const reply = await raw.putToken(raw.audience('nope'));
    expect(reply.statusCode).toBe(404);
    expect(String(reply.applicationProperties['status-description'])).toMatch(/The messaging entity .* could not be found/);
    await alive();
  });

  it.each([
    ['a sender', (c: RawClient) => c.sender('nope')],
    ['a receiver', (c: RawClient) => c.receiver('nope')],
    ['a session receiver', (c: RawClient) => c.receiver('nope', 's1')],
    ['a next-available session receiver', (c: RawClient) => c.receiver('nope', null)],
    ['a receiver on the dead-letter queue', (c: RawClient) => c.receiver('nope/$DeadLetterQueue')],
  ])('refuses %s on an unknown queue with amqp:not-found', async (_label, attach) => {
    // Like a client that ignores the 404 of its put-token and attaches anyway.
    expect((await raw.putToken(raw.audience('nope'))).statusCode).toBe(404);
    const attached = await attach(raw);
    expect(attached.ok).toBe(false);
    if (!attached.ok) expect(attached.error?.condition).toBe('amqp:not-found');
    await alive();
  });

  it('refuses a management link on an unknown queue with amqp:not-found', async () => {
    const reply = await raw.request('nope/$management', { operation: 'com.microsoft:renew-session-lock' }, { 'session-id': 's1' });
    const refusedLink = reply.detached?.condition === 'amqp:not-found';
    const notFoundReply = reply.statusCode === 404;
    expect(refusedLink || notFoundReply).toBe(true);
    await alive();
  });

  it('makes the official SDK report MessagingEntityNotFound for an unknown queue', async () => {
    const client = new ServiceBusClient(broker.connectionString, { retryOptions: { maxRetries: 0 } });
    try {
      const failure = await client.createSender('nope').sendMessages({ body: 'x' }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isServiceBusError(failure) && failure.code).toBe('MessagingEntityNotFound');
    } finally {
      await client.close();
    }
    await alive();
  });
});

describe('bad CBS tokens', () => {
  it('answers a token with a wrong signature with 401', async () => {
    const audience = raw.audience('plain');
    const reply = await raw.putToken(audience, sasToken(audience, 'RootManageSharedAccessKey', 'not-the-key'));
    expect(reply.statusCode).toBe(401);
    await alive();
  });

  it('answers a token signed for another audience with 401', async () => {
    const reply = await raw.putToken(raw.audience('plain'), sasToken(raw.audience('alive')));
    expect(reply.statusCode).toBe(401);
    await alive();
  });

  it.each([
    ['garbage text', 'not a token'],
    ['a number', 42],
    ['null', null],
  ])('answers a SAS token that is %s with a 4xx status', async (_label, token) => {
    const audience = raw.audience('plain');
    const reply = await raw.request('$cbs', { operation: 'put-token', name: audience, type: 'servicebus.windows.net:sastoken' }, token);
    expect(reply.statusCode).toBeGreaterThanOrEqual(400);
    expect(reply.statusCode).toBeLessThan(500);
    await alive();
  });

  it('answers a put-token without a name (audience) with a 4xx status', async () => {
    const reply = await raw.request('$cbs', { operation: 'put-token', type: 'servicebus.windows.net:sastoken' }, sasToken(raw.audience('plain')));
    expect(reply.statusCode).toBeGreaterThanOrEqual(400);
    expect(reply.statusCode).toBeLessThan(500);
    await alive();
  });

  it('answers an unknown CBS operation with a 4xx/5xx status', async () => {
    const reply = await raw.request('$cbs', { operation: 'frobnicate', name: raw.audience('plain'), type: 'jwt' }, 'x');
    expect(reply.statusCode).toBeGreaterThanOrEqual(400);
    await alive();
  });
});

describe('management requests', () => {
  const node = 'sessions/$management';

  beforeEach(async () => {
    expect((await raw.putToken(raw.audience(node))).statusCode).toBeLessThan(300);
  });

  it('answers an unknown operation with 501 amqp:not-implemented', async () => {
    const reply = await raw.request(node, { operation: 'com.microsoft:frobnicate', 'com.microsoft:tracking-id': 't1' }, {});
    expect(reply.statusCode).toBe(501);
    expect(reply.applicationProperties['errorCondition']).toBe('amqp:not-implemented');
    await alive();
  });

  it('answers a request without an operation with a 4xx status', async () => {
    const reply = await raw.request(node, { 'com.microsoft:tracking-id': 't2' }, {});
    expect(reply.statusCode).toBeGreaterThanOrEqual(400);
    expect(reply.statusCode).toBeLessThan(500);
    await alive();
  });

  it('answers a request whose body is not a map with a 4xx status', async () => {
    const reply = await raw.request(node, { operation: 'com.microsoft:renew-session-lock' }, 'not a map');
    expect(reply.statusCode).toBeGreaterThanOrEqual(400);
    expect(reply.statusCode).toBeLessThan(500);
    await alive();
  });

  it('answers renew-session-lock for a session nobody holds with a non-2xx status and an error condition', async () => {
    const reply = await raw.request(node, { operation: 'com.microsoft:renew-session-lock' }, { 'session-id': 'nobody' });
    expect(reply.statusCode).toBeGreaterThanOrEqual(400);
    expect(typeof reply.applicationProperties['errorCondition']).toBe('string');
    await alive();
  });
});

describe('far-away deadlines', () => {
  it('accepts a 30-day TTL and a message scheduled 60 days ahead without asking for an unrepresentable timer', async () => {
    // A broker of its own, so that no earlier, nearer deadline hides the far ones.
    const delays: number[] = [];
    const own = await startEmulator({ port: 0, scheduler: recordingScheduler(delays), queues: [{ name: 'far' }, { name: 'alive' }], onWarning: (w) => warnings.push(w) });
    const client = await RawClient.open(own.port);
    try {
      expect((await client.putToken(client.audience('far'))).statusCode).toBeLessThan(300);
      const attached = await client.sender('far');
      if (!attached.ok) throw new Error(`sender refused: ${JSON.stringify(attached.error)}`);
      const longLived = await RawClient.send(attached.link, { ttl: 30 * DAY_MS, body: rheaMessage.data_section(Buffer.from('ttl')) });
      const scheduled = await RawClient.send(attached.link, {
        message_annotations: { 'x-opt-scheduled-enqueue-time': new Date(Date.now() + 60 * DAY_MS) },
        body: rheaMessage.data_section(Buffer.from('later')),
      });
      expect([longLived.outcome, scheduled.outcome]).toEqual(['accepted', 'accepted']);
      // A longer delay makes a Node timer fire after 1 ms, and the broker re-arm it, again and again.
      expect(delays.filter((delay) => delay > MAX_TIMER_DELAY_MS)).toEqual([]);
      await expectRoundTrip(own.connectionString, 'alive');
    } finally {
      await client.close();
      await own.close();
    }
  });
});

describe('after all of the above', () => {
  it('still has every message accepted before', async () => {
    const client = new ServiceBusClient(broker.connectionString);
    try {
      const receiver = await client.acceptSession('keep', 'precious');
      const received = await receiver.receiveMessages(PRECIOUS.length, { maxWaitTimeInMs: 15_000 });
      expect(received.map((m) => m.body)).toEqual(PRECIOUS);
      for (const m of received) await receiver.completeMessage(m);
    } finally {
      await client.close();
    }
  });
});
