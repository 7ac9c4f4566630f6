/**
 * The per-connection limits (EmulatorLimits): each violation closes only the offending connection, with
 * the AMQP error where the connection got that far and a warning, and the broker keeps serving others.
 * Timeouts run on a virtual clock: time passes only when the test flushes it.
 */
import { ServiceBusClient } from '@azure/service-bus';
import { message as rheaMessage, types } from 'rhea';
import { VirtualTimeScheduler } from 'rxjs';
import { type EmulatorHandle, type EmulatorLimits, startEmulator } from '../../src/emulator';
import { queueDefaults } from '../../src/emulator/config';
import { RawClient, expectRoundTrip, sasToken, within } from './badInputRaw';
import { AMQP_HEADER, WireClient, amqpFrame, attachFrame, authoriseRaw } from './hostileWire';

const warnings: string[] = [];

async function brokerWith(limits: EmulatorLimits, scheduler?: VirtualTimeScheduler): Promise<EmulatorHandle> {
  return startEmulator({ port: 0, limits, onWarning: (w) => warnings.push(w), queues: [{ ...queueDefaults, name: 'alive' }], ...(scheduler ? { scheduler } : {}) });
}

/** Waits until `check` holds (polling real time; a guard against hangs, not a timing assertion). */
async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('connection limits', () => {
  it('frees the handle and the link count of every detached link (rhea alone never freed remote handles)', async () => {
    const broker = await brokerWith({ maxLinksPerConnection: 6 });
    const raw = await RawClient.open(broker.port);
    try {
      // 20 put-tokens, each on a fresh request/reply link pair (detached after use): 40 links over time, 6 at most at once.
      for (let i = 0; i < 20; i++) expect((await raw.putToken(raw.audience('alive'))).statusCode).toBe(202);
      expect(raw.connection.is_open()).toBe(true);
      expect(warnings.some((w) => w.includes('links on one connection') || w.includes('already in use'))).toBe(false);
    } finally {
      await raw.close();
      await broker.close();
    }
  });

  describe('timeouts (virtual time)', () => {
    const clock = new VirtualTimeScheduler();
    let broker: EmulatorHandle;
    beforeAll(async () => {
      broker = await brokerWith({ protocolHeaderTimeoutMs: 10_000, saslTimeoutMs: 10_000, openTimeoutMs: 10_000, idleTimeoutMs: 30_000 }, clock);
    });
    afterAll(async () => {
      // Shutdown cuts lingering sockets after a grace period on the broker's (virtual) clock.
      const closing = broker.close();
      clock.maxFrames = Number.POSITIVE_INFINITY;
      clock.flush();
      await closing;
    });

    it('closes a silent connection and a slowloris one (1 byte of the header) at the protocol-header timeout', async () => {
      const silent = await WireClient.connect(broker.port);
      const slow = await WireClient.connect(broker.port);
      slow.write(AMQP_HEADER.subarray(0, 1));
      await new Promise((resolve) => setTimeout(resolve, 100)); // the broker accepted both
      clock.flush();
      await within(Promise.all([silent.closed, slow.closed]), 5_000, 'both sockets closed');
      expect(warnings.filter((w) => w.includes('No AMQP protocol header within 10000 ms')).length).toBeGreaterThanOrEqual(2);
    });

    it('closes a connection that sends the header but no open', async () => {
      const client = await WireClient.connect(broker.port);
      client.write(AMQP_HEADER);
      await new Promise((resolve) => setTimeout(resolve, 100));
      clock.flush();
      await within(client.closed, 5_000, 'socket closed');
      expect(warnings.some((w) => w.includes('No open frame within 10000 ms'))).toBe(true);
    });

    it('advertises idle-time-out in its open and closes an idle client with amqp:resource-limit-exceeded', async () => {
      const client = await WireClient.opened(broker.port);
      expect((await client.frame('open')).fields['idle_time_out']).toBe(30_000);
      // Up to the idle timeout only: the socket is cut a grace period later, after the close went out.
      clock.maxFrames = clock.now() + 30_000;
      clock.flush();
      await within(client.frame('close'), 5_000, 'the close frame');
      expect(client.closeError()?.condition).toBe('amqp:resource-limit-exceeded');
      expect(String(client.closeError()?.description)).toContain('idle-time-out');
    });
  });

  describe('counts and sizes', () => {
    let broker: EmulatorHandle;
    beforeAll(async () => {
      broker = await brokerWith({ maxConnections: 4, channelMax: 3, handleMax: 15, maxLinksPerConnection: 8, maxLinkCredit: 5_000, maxOutgoingBytes: 1_048_576 });
    });
    afterAll(() => broker.close());

    const closedWith = async (client: WireClient, condition: string): Promise<void> => {
      await within(client.frame('close'), 5_000, 'the close frame');
      expect(client.closeError()?.condition).toBe(condition);
      client.destroy();
    };

    it('closes a begin above channel-max, an attach above handle-max, too many links and too much credit', async () => {
      const channel = await WireClient.opened(broker.port);
      channel.write(amqpFrame('begin', { next_outgoing_id: 0, incoming_window: 10, outgoing_window: 10 }, 4));
      await closedWith(channel, 'amqp:resource-limit-exceeded');

      const handle = await WireClient.opened(broker.port);
      handle.write(attachFrame('h', 16, false, 'x', '$cbs'));
      await closedWith(handle, 'amqp:resource-limit-exceeded');

      const links = await WireClient.opened(broker.port);
      for (let i = 0; i < 9; i++) links.write(attachFrame(`l${i}`, i, false, 'x', '$cbs'));
      await closedWith(links, 'amqp:resource-limit-exceeded');

      const credit = await WireClient.opened(broker.port);
      credit.write(attachFrame('r', 0, true, '$cbs', 'x'));
      await credit.frame('attach');
      credit.write(amqpFrame('flow', { next_incoming_id: 0, incoming_window: 10, next_outgoing_id: 0, outgoing_window: 10, handle: 0, delivery_count: 0, link_credit: 1_000_000 }));
      await closedWith(credit, 'amqp:resource-limit-exceeded');
      await expectRoundTrip(broker.connectionString, 'alive');
    });

    it('refuses connections beyond maxConnections at accept, and accepts again once one left', async () => {
      const held = await Promise.all([0, 1, 2, 3].map(() => WireClient.connect(broker.port)));
      const extra = await WireClient.connect(broker.port);
      await within(extra.closed, 5_000, 'the extra socket closed');
      expect(warnings.some((w) => w.includes('limits.maxConnections'))).toBe(true);
      for (const client of held) client.destroy();
      await until(() => broker.stats().connections === 0, 'the held sockets to go');
      await new Promise((resolve) => setTimeout(resolve, 100));
      await expectRoundTrip(broker.connectionString, 'alive');
    });

    it('slows a client that grants credit for large messages to its reading pace instead of closing it', async () => {
      const sdk = new ServiceBusClient(broker.connectionString);
      try {
        const sender = sdk.createSender('alive');
        for (let i = 0; i < 40; i++) await sender.sendMessages({ body: Buffer.alloc(200_000, 0x62), messageId: `m${i}` });
        // 40 × 200 kB = 8 MB asked for at once, with maxOutgoingBytes = 1 MiB.
        const receiver = sdk.createReceiver('alive', { receiveMode: 'receiveAndDelete' });
        const ids = new Set<string>();
        while (ids.size < 40) {
          const batch = await receiver.receiveMessages(40, { maxWaitTimeInMs: 5_000 });
          if (batch.length === 0) break;
          for (const m of batch) ids.add(String(m.messageId));
        }
        expect(ids.size).toBe(40);
      } finally {
        await sdk.close();
      }
    });

    it('closes a client that does not read once its outgoing buffer passes maxOutgoingBytes', async () => {
      const sdk = new ServiceBusClient(broker.connectionString);
      try {
        const sender = sdk.createSender('alive');
        for (let i = 0; i < 40; i++) await sender.sendMessages({ body: Buffer.alloc(200_000, 0x63), messageId: `p${i}` });
        const client = await WireClient.opened(broker.port);
        await authoriseRaw(client, broker.port, 'alive', 0, (audience) => sasToken(audience));
        client.write(attachFrame('req', 1, false, 'x', 'alive/$management'), attachFrame('reply', 2, true, 'alive/$management', 'reply'));
        await client.frame('flow', (f) => f.fields['handle'] === 1);
        client.write(amqpFrame('flow', { next_incoming_id: 0, incoming_window: 2048, next_outgoing_id: 1, outgoing_window: 10, handle: 2, delivery_count: 0, link_credit: 10 }));
        client.socket.pause(); // never reads again
        // One peek whose reply (40 messages of 200 kB) is 8 MB.
        const peek = (rheaMessage as unknown as { encode(m: object): Buffer }).encode({
          message_id: 'peek-1',
          reply_to: 'reply',
          application_properties: { operation: 'com.microsoft:peek-message' },
          body: { 'from-sequence-number': types.wrap_long(0), 'message-count': types.wrap_int(40) },
        });
        client.write(amqpFrame('transfer', { handle: 1, delivery_id: 1, delivery_tag: Buffer.from([1]), message_format: 0, settled: true }, 0, peek));
        await within(client.closed, 10_000, 'the broker dropping the non-reading client');
        expect(warnings.some((w) => w.includes('bytes are waiting for the client'))).toBe(true);
        const [first] = await sdk.createReceiver('alive', { receiveMode: 'receiveAndDelete' }).receiveMessages(1, { maxWaitTimeInMs: 5_000 });
        expect(first?.messageId).toBe('p0');
      } finally {
        await sdk.close();
      }
    });
  });
});
