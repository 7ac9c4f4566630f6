import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';

/** What {@link startFaultProxy} listens in front of. */
export interface ProxyTarget {
  readonly host: string;
  readonly port: number;
}

/**
 * A TCP proxy on 127.0.0.1 (port 0) between a client and a broker, with faults switched on and off
 * at will:
 * - `cut()`: both sockets of every flow are destroyed (FIN to both peers);
 * - `reset()`: both sockets of every flow are reset (RST to both peers);
 * - `blackhole()`: the open flows stay open but their bytes are dropped both ways, and they stay dead
 *   after `heal()` (their byte streams have holes); a flow opened during the blackhole gets nothing
 *   through either, its bytes held until `heal()` and then passed (a connect retried until the path is
 *   back);
 * - `latency(ms)`: each chunk is delivered `ms` later, both ways, in order;
 * - `heal()`: held flows and new ones pass, and latency is back to 0 (chunks already delayed keep their order).
 *
 * `close()` destroys every flow, clears every timer and stops listening: nothing is left behind.
 */
export interface FaultProxy {
  /** The port clients connect to. */
  readonly port: number;
  /** Flows currently open (client side connected). */
  readonly flows: number;
  /** Flows accepted since start. */
  readonly accepted: number;
  /** Every flow closed so far: when it opened and closed (wall-clock ms) and which side ended it first. */
  readonly closedFlows: readonly ClosedFlow[];
  /** `connectionString` with its endpoint's port replaced by the proxy's. */
  connectionString(connectionString: string): string;
  /** Points new flows at another broker (a restarted one); existing flows are left alone. */
  retarget(target: ProxyTarget): void;
  cut(): void;
  reset(): void;
  blackhole(): void;
  latency(ms: number): void;
  heal(): void;
  close(): Promise<void>;
}

/** A flow that has ended (see {@link FaultProxy.closedFlows}). */
export interface ClosedFlow {
  readonly opened: number;
  readonly closed: number;
  /** `client` / `broker`: that peer closed or reset its socket; `proxy`: a fault or `close()` ended it. */
  readonly by: 'client' | 'broker' | 'proxy';
  /** Whether the flow was blackholed when it ended. */
  readonly blackholed: boolean;
}

/** One direction of a flow: chunks waiting for their delivery time, written in order. */
class Pipe {
  private readonly queue: Array<{ at: number; chunk: Buffer }> = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly to: Socket,
    private readonly flow: Flow,
  ) {}

  push(chunk: Buffer): void {
    if (this.flow.dead) return;
    if (this.flow.held) {
      this.queue.push({ at: 0, chunk });
      return;
    }
    const delay = this.flow.proxy.delayMs;
    if (delay === 0 && this.queue.length === 0) {
      this.to.write(chunk);
      return;
    }
    this.queue.push({ at: Date.now() + delay, chunk });
    this.pump();
  }

  /** Passes what was held, in order. */
  release(): void {
    this.pump();
  }

  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.queue.length = 0;
  }

  private pump(): void {
    if (this.timer !== undefined) return;
    const head = this.queue[0];
    if (head === undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const now = Date.now();
      while (this.queue.length > 0 && (this.queue[0] as { at: number }).at <= now) {
        const next = this.queue.shift() as { chunk: Buffer };
        if (!this.flow.dead && !this.to.destroyed) this.to.write(next.chunk);
      }
      this.pump();
    }, Math.max(0, head.at - Date.now()));
  }
}

/** A client socket and its broker socket. */
class Flow {
  /** Blackholed: bytes are dropped both ways, for ever. */
  dead = false;
  /** Opened during a blackhole: bytes wait both ways until it is healed. */
  held = false;
  private readonly opened = Date.now();
  private ended = false;
  private readonly up: Pipe;
  private readonly down: Pipe;

  constructor(
    readonly proxy: ProxyState,
    readonly client: Socket,
    readonly broker: Socket,
  ) {
    this.up = new Pipe(broker, this);
    this.down = new Pipe(client, this);
    client.on('data', (chunk: Buffer) => this.up.push(chunk));
    broker.on('data', (chunk: Buffer) => this.down.push(chunk));
    client.on('error', () => this.end('client'));
    client.on('close', () => this.end('client'));
    broker.on('error', () => this.end('broker'));
    broker.on('close', () => this.end('broker'));
  }

  blackhole(): void {
    this.dead = true;
    this.up.dispose();
    this.down.dispose();
  }

  hold(): void {
    this.held = true;
  }

  release(): void {
    if (!this.held) return;
    this.held = false;
    this.up.release();
    this.down.release();
  }

  destroy(): void {
    this.end('proxy');
  }

  reset(): void {
    if (!this.ended) {
      this.client.resetAndDestroy();
      this.broker.resetAndDestroy();
    }
    this.end('proxy');
  }

  private end(by: ClosedFlow['by']): void {
    if (this.ended) return;
    this.ended = true;
    this.up.dispose();
    this.down.dispose();
    this.client.destroy();
    this.broker.destroy();
    this.proxy.flows.delete(this);
    this.proxy.closed.push({ opened: this.opened, closed: Date.now(), by, blackholed: this.dead });
  }
}

interface ProxyState {
  target: ProxyTarget;
  delayMs: number;
  blackholed: boolean;
  accepted: number;
  readonly flows: Set<Flow>;
  readonly closed: ClosedFlow[];
}

/** Starts a {@link FaultProxy} in front of `target`; resolves once it listens. */
export async function startFaultProxy(target: ProxyTarget): Promise<FaultProxy> {
  const state: ProxyState = { target, delayMs: 0, blackholed: false, accepted: 0, flows: new Set(), closed: [] };
  const server: Server = createServer({ noDelay: true }, (client) => {
    state.accepted++;
    // Bytes the client sends before the broker side is connected are queued by the broker socket.
    const broker = connect({ host: state.target.host, port: state.target.port, noDelay: true });
    const flow = new Flow(state, client, broker);
    state.flows.add(flow);
    if (state.blackholed) flow.hold();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const each = (act: (flow: Flow) => void): void => {
    for (const flow of [...state.flows]) act(flow);
  };
  return {
    port,
    get flows() {
      return state.flows.size;
    },
    get accepted() {
      return state.accepted;
    },
    get closedFlows() {
      return state.closed;
    },
    connectionString: (cs) => cs.replace(/(Endpoint=sb:\/\/[^:;/]+):\d+/i, `$1:${port}`),
    retarget(next) {
      state.target = next;
    },
    cut: () => each((f) => f.destroy()),
    reset: () => each((f) => f.reset()),
    blackhole() {
      state.blackholed = true;
      each((f) => f.blackhole());
    },
    latency(ms) {
      state.delayMs = ms;
    },
    heal() {
      state.blackholed = false;
      state.delayMs = 0;
      each((f) => f.release());
    },
    async close() {
      each((f) => f.destroy());
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
