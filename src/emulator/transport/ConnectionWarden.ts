import type { Socket } from 'node:net';
import type { Connection } from 'rhea';
import { Deadline } from '../locks/Deadline';
import type { DeadlineHeap } from '../locks/DeadlineHeap';
import { holdWhileBacklogged, wakeSenders, type Backlog } from '../rhea/backpressure';
import type { LinkCount } from '../rhea/limitSession';
import type { FrameGuard, HandshakeStage } from './FrameGuard';
import type { BrokerLimits } from './BrokerLimits';

/** The broker machinery a warden needs: its clock, its deadline heap, its warning sink. */
export interface WardenServices {
  now(): number;
  readonly deadlines: DeadlineHeap;
  readonly warn: (message: string) => void;
}

/** How long a client gets to answer the broker's close before its socket is cut. */
export const CLOSE_GRACE_MS = 1_000;
const RESOURCE_LIMIT = 'amqp:resource-limit-exceeded';

/**
 * Enforces the time and resource limits of one client connection: the handshake timeouts (protocol
 * header, SASL, open), the idle timeout once open, the outgoing buffer cap, and the closing of the
 * connection on any violation reported to {@link violate} (by the frame guard or the rhea layer). All
 * timing goes through the broker's deadline heap. A violation closes this connection only: an AMQP close
 * with the error once the connection is open (the socket is cut {@link CLOSE_GRACE_MS} later), else
 * the socket at once; the broker reports it through `warn`.
 */
export class ConnectionWarden implements Backlog {
  /** Links attached on this connection (kept by the rhea layer's session limits). */
  readonly links: LinkCount = { links: 0 };
  private closing = false;
  /** Deliveries are held back (not taken from queues) while this many bytes wait in the socket. */
  private readonly highWater: number;
  private held = false;
  /** Bytes of deliveries handed to rhea since the socket's last write (not in its buffer yet). */
  private queuedBytes = 0;
  private lastInput: number;
  private stage: HandshakeStage = 'protocol-header';
  private readonly timer: Deadline;
  private readonly peer: string;

  constructor(
    private readonly connection: Connection,
    private readonly socket: Socket,
    private readonly guard: FrameGuard,
    private readonly limits: BrokerLimits,
    private readonly services: WardenServices,
  ) {
    this.peer = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    this.lastInput = services.now();
    this.timer = new Deadline(0, (now) => this.onTimer(now));
    this.armAfter(limits.protocolHeaderTimeoutMs);
    socket.once('close', () => this.dispose());
    this.highWater = Math.max(65_536, Math.floor(limits.maxOutgoingBytes / 4));
    socket.on('drain', () => this.onDrain());
    this.capOutgoing();
  }

  /**
   * Puts `session` under backpressure: while a quarter of `maxOutgoingBytes` waits in the socket, its
   * delivery links send nothing more (a client granting much credit for large messages is slowed to
   * its reading pace, not disconnected); they resume when the socket drains.
   */
  throttle(session: import('rhea').Session): void {
    holdWhileBacklogged(session, this);
  }

  /**
   * The socket's backlog as {@link holdWhileBacklogged} asks about it (the warden itself: methods every
   * connection's sessions share, so the broker's optimised send path calls the same functions for each
   * connection instead of deoptimising on a new connection's closures).
   */
  backlogged(): boolean {
    if (this.socket.writableLength + this.queuedBytes < this.highWater) return false;
    this.held = true;
    return true;
  }

  /** See {@link backlogged}: told the size of each delivery handed to rhea. */
  queued(bytes: number): void {
    this.queuedBytes += bytes;
  }

  /** True once the connection is being closed: further input is ignored. */
  get refused(): boolean {
    return this.closing;
  }

  /** Call for each chunk that passed the guard: tracks the handshake stage and the last input time. */
  onInput(): void {
    this.lastInput = this.services.now();
    const stage = this.guard.stage;
    if (stage === this.stage) return;
    this.stage = stage;
    if (stage === 'sasl') this.armAfter(this.limits.saslTimeoutMs);
    else if (stage === 'open') this.armAfter(this.limits.openTimeoutMs);
    else if (stage === 'done') this.armAfter(this.limits.idleTimeoutMs);
  }

  /** Closes this connection for breaking a limit or the protocol: `condition` is the AMQP error sent. */
  readonly violate = (condition: string, description: string): void => {
    if (this.closing) return;
    this.closing = true;
    this.services.warn(`Closing the client connection from ${this.peer}: ${description}`);
    if (this.stage === 'done' && this.connection.is_open() && !this.socket.destroyed) {
      this.connection.close({ condition, description });
      this.arm(this.services.now() + CLOSE_GRACE_MS);
    } else {
      this.socket.destroy();
    }
  };

  /**
   * Closes the socket without an AMQP close (bytes that are not AMQP, a failed SASL outcome): ends it
   * after `reply` and what is already queued, and cuts it {@link CLOSE_GRACE_MS} later.
   */
  cut(description: string, reply?: Buffer): void {
    if (this.closing) return;
    this.closing = true;
    this.services.warn(`Closing the client connection from ${this.peer}: ${description}`);
    if (reply !== undefined) this.socket.end(reply);
    else this.socket.end();
    this.arm(this.services.now() + CLOSE_GRACE_MS);
  }

  private onDrain(): void {
    if (!this.held || this.closing) return;
    this.held = false;
    wakeSenders(this.connection);
  }

  /** Destroys the socket at once (an AMQP close would wait behind what the client does not read). */
  private drop(description: string): void {
    if (!this.closing) this.services.warn(`Closing the client connection from ${this.peer}: ${description}`);
    this.closing = true;
    this.socket.destroy();
  }

  private onTimer(now: number): void {
    if (this.closing) {
      this.socket.destroy();
      return;
    }
    switch (this.stage) {
      case 'protocol-header':
        return this.violate(RESOURCE_LIMIT, `No AMQP protocol header within ${this.limits.protocolHeaderTimeoutMs} ms.`);
      case 'sasl':
        return this.violate(RESOURCE_LIMIT, `The SASL exchange did not complete within ${this.limits.saslTimeoutMs} ms.`);
      case 'open':
        return this.violate(RESOURCE_LIMIT, `No open frame within ${this.limits.openTimeoutMs} ms.`);
      case 'done': {
        const due = this.lastInput + this.limits.idleTimeoutMs;
        if (now < due) return this.arm(due);
        return this.violate(RESOURCE_LIMIT, `Nothing received for ${this.limits.idleTimeoutMs} ms (idle-time-out).`);
      }
    }
  }

  /** Arms the timer `ms` after the last input; 0 = no timeout for this stage. */
  private armAfter(ms: number): void {
    if (ms > 0) this.arm(this.lastInput + ms);
    else this.services.deadlines.cancel(this.timer);
  }

  private arm(at: number): void {
    this.services.deadlines.schedule(this.timer, at);
  }

  /** A client that does not read makes the socket's buffer grow: past the cap, the connection goes. */
  private capOutgoing(): void {
    const socket = this.socket;
    const write = socket.write;
    const cap = this.limits.maxOutgoingBytes;
    socket.write = function (this: Socket, ...args: Parameters<Socket['write']>): boolean {
      warden.queuedBytes = 0;
      const flushed = write.apply(this, args);
      if (socket.writableLength > cap && !socket.destroyed) warden.drop(`More than ${cap} bytes are waiting for the client to read them.`);
      return flushed;
    } as Socket['write'];
    const warden = this;
  }

  private dispose(): void {
    this.closing = true;
    this.services.deadlines.cancel(this.timer);
  }
}
