/**
 * A hostile AMQP client for the broker's hardening tests: writes hand-made frames on a plain socket
 * (rhea's own frame encoder for well-formed performatives, raw bytes for malformed ones) and decodes
 * what the broker sends back.
 */
import { connect as tcpConnect, type Socket } from 'node:net';
import { message as rheaMessage } from 'rhea';

// rhea's frame codec (not in its typings): encoding test frames and decoding the broker's replies.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const frames = require('rhea/lib/frames.js') as RheaFrames;

interface RheaFrames {
  write_frame(frame: { type: number; channel: number; performative?: unknown; payload?: Buffer }): Buffer;
  read_frame(buffer: Buffer): { type: number; channel: number; performative?: { constructor: { toString(): string }; [field: string]: unknown } } | null;
  [performative: string]: unknown;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const terminus = require('rhea/lib/terminus.js') as { source(f: object): { described(): unknown }; target(f: object): { described(): unknown } };

/** An attach frame: the client's `role` false = sender (the broker receives), true = receiver. */
export function attachFrame(name: string, handle: number, role: boolean, source: string, target: string, channel = 0): Buffer {
  return amqpFrame('attach', { name, handle, role, source: terminus.source({ address: source }).described(), target: terminus.target({ address: target }).described() }, channel);
}

export const AMQP_HEADER = Buffer.from([0x41, 0x4d, 0x51, 0x50, 0, 1, 0, 0]);
export const SASL_HEADER = Buffer.from([0x41, 0x4d, 0x51, 0x50, 3, 1, 0, 0]);

/** An AMQP frame on `channel` carrying `name` (open, begin, attach, flow, transfer, disposition, …) with `fields`. */
export function amqpFrame(name: string, fields: Record<string, unknown>, channel = 0, payload?: Buffer): Buffer {
  const create = frames[name] as (fields: Record<string, unknown>) => { described(): unknown };
  return frames.write_frame({ type: 0, channel, performative: create(fields).described(), ...(payload ? { payload } : {}) });
}

/** A frame whose body is `body` as given (type 0 = AMQP, 1 = SASL). */
export function rawFrame(body: Buffer, type = 0, channel = 0): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(8 + body.length, 0);
  head[4] = 2;
  head[5] = type;
  head.writeUInt16BE(channel, 6);
  return Buffer.concat([head, body]);
}

/** An array32 of `count` nulls that holds no element: rhea 3.0.5 loops `count` times decoding it. */
export const ARRAY_BOMB = Buffer.from('f000000005ffffffff40', 'hex');

/** A decoded frame the broker sent. */
export interface SeenFrame {
  readonly name: string;
  readonly channel: number;
  readonly fields: Record<string, unknown>;
}

/** A socket to the broker that sends whatever the test gives it. */
export class WireClient {
  private received = Buffer.alloc(0);
  private readonly seen: SeenFrame[] = [];
  private waiters: Array<() => void> = [];
  readonly closed: Promise<void>;
  private headerSeen = 0;

  private constructor(readonly socket: Socket) {
    socket.on('data', (data) => {
      this.received = Buffer.concat([this.received, data]);
      this.parse();
      for (const wake of this.waiters.splice(0)) wake();
    });
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    void this.closed.then(() => {
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  static connect(port: number): Promise<WireClient> {
    return new Promise((resolve, reject) => {
      const socket = tcpConnect({ host: '127.0.0.1', port }, () => resolve(new WireClient(socket)));
      socket.once('error', reject);
    });
  }

  /** Header, open (container `hostile`), begin on channel 0: a connection the broker considers open. */
  static async opened(port: number): Promise<WireClient> {
    const client = await WireClient.connect(port);
    client.write(AMQP_HEADER, amqpFrame('open', { container_id: 'hostile', hostname: 'localhost' }), amqpFrame('begin', { next_outgoing_id: 0, incoming_window: 2048, outgoing_window: 2048 }));
    await client.frame('begin');
    return client;
  }

  write(...chunks: Buffer[]): void {
    if (!this.socket.destroyed) this.socket.write(Buffer.concat(chunks));
  }

  /**
   * Attaches a sender to `$cbs` (no token) and sends one delivery: a first frame and `continuations`
   * more frames of 60 000 bytes each, paced by the socket, then the last frame. Stops early once the
   * broker closes the socket.
   */
  async sendLongDelivery(continuations: number): Promise<void> {
    this.write(attachFrame('endless', 0, false, 'x', '$cbs'));
    await this.frame('flow');
    const chunk = Buffer.alloc(60_000, 0x61);
    this.write(amqpFrame('transfer', { handle: 0, delivery_id: 0, delivery_tag: Buffer.from([1]), message_format: 0, more: true }, 0, chunk));
    const continuation = amqpFrame('transfer', { handle: 0, more: true }, 0, chunk);
    for (let i = 0; i < continuations && !this.socket.destroyed; i++) {
      // A write waiting for 'drain' ends with 'close' when the broker closes the connection part-way;
      // whichever comes first removes the other listener (one wait per full buffer: they would pile up).
      if (!this.socket.write(continuation)) await this.drainOrClose();
    }
    this.write(amqpFrame('transfer', { handle: 0, more: false }, 0, chunk));
  }

  private drainOrClose(): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = (): void => {
        this.socket.off('drain', done);
        this.socket.off('close', done);
        resolve();
      };
      this.socket.once('drain', done);
      this.socket.once('close', done);
    });
  }

  /** Resolves with the first frame named `name` (from now or already seen); rejects if the socket closes first. */
  async frame(name: string, where: (frame: SeenFrame) => boolean = () => true, timeoutMs = 10_000): Promise<SeenFrame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.seen.find((f) => f.name === name && where(f));
      if (found !== undefined) return found;
      if (this.socket.destroyed || Date.now() > deadline) throw new Error(`no ${name} frame from the broker (seen: ${this.seen.map((f) => f.name).join(', ')})`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 100);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** The error of the broker's close frame, if it sent one. */
  closeError(): { condition?: unknown; description?: unknown } | undefined {
    return this.seen.find((f) => f.name === 'close')?.fields['error'] as { condition?: unknown; description?: unknown } | undefined;
  }

  destroy(): void {
    this.socket.destroy();
  }

  private parse(): void {
    if (this.headerSeen < 8) {
      const take = Math.min(8 - this.headerSeen, this.received.length);
      this.headerSeen += take;
      this.received = this.received.subarray(take);
    }
    while (this.received.length >= 8) {
      const size = this.received.readUInt32BE(0);
      if (this.received.length < size) return;
      const frame = frames.read_frame(this.received.subarray(0, size));
      this.received = this.received.subarray(size);
      if (frame?.performative !== undefined) {
        const name = String(frame.performative.constructor).split('#')[0] ?? '?';
        const fields: Record<string, unknown> = {};
        for (const key of Object.getOwnPropertyNames(Object.getPrototypeOf(frame.performative) as object)) {
          if (key === 'constructor') continue;
          const value = frame.performative[key];
          if (typeof value !== 'function') fields[key] = value;
        }
        this.seen.push({ name, channel: frame.channel, fields });
      }
    }
  }
}

/** Sends a put-token for `entity` (signed with the default key) on `$cbs` over link `handle`; the reply is not read. */
export async function authoriseRaw(client: WireClient, port: number, entity: string, handle: number, token: (audience: string) => string): Promise<void> {
  client.write(attachFrame(`cbs-${handle}`, handle, false, 'x', '$cbs'));
  await client.frame('flow', (f) => f.fields['handle'] === handle);
  const audience = `sb://localhost:${port}/${entity}`;
  const request = (rheaMessage as unknown as { encode(m: object): Buffer }).encode({
    application_properties: { operation: 'put-token', name: audience, type: 'servicebus.windows.net:sastoken' },
    body: token(audience),
  });
  client.write(amqpFrame('transfer', { handle, delivery_id: handle, delivery_tag: Buffer.from([handle]), message_format: 0, settled: true }, 0, request));
}
