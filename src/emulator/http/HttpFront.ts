import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { SchedulerLike, Subscription } from 'rxjs';
import { defaultHttpLimits, type HttpLimits } from './HttpLimits';

/** Answers one HTTP request; `keepOpen` exempts a long-lived response (an event stream) from the request deadline. */
export type HttpHandler = (request: IncomingMessage, response: ServerResponse, keepOpen: () => void) => void;

/**
 * The broker's HTTP side: a Node `http.Server` that never listens itself but is fed sockets, either
 * sniffed off the AMQP port (`accept`) or from its own port (`listen`). Hostile input is bounded: request
 * heads over `maxHeaderBytes` get 431, a connection that sends no complete head within `idleMs` (after
 * opening or after its last response) or no complete request within `requestMs` is destroyed (deadlines
 * on the broker's scheduler), connections beyond `maxConnections` are closed at once, and a handler that
 * throws answers 500 instead of reaching the broker.
 */
export class HttpFront {
  private readonly server: HttpServer;
  private readonly deadlines = new Map<Socket, Subscription>();
  private readonly sockets = new Set<Socket>();
  private listener: Server | undefined;
  private closed = false;

  constructor(
    private readonly scheduler: SchedulerLike,
    private readonly warn: (message: string) => void,
    handler: HttpHandler,
    readonly limits: HttpLimits = defaultHttpLimits,
  ) {
    this.server = createHttpServer({ maxHeaderSize: limits.maxHeaderBytes, keepAlive: true }, (request, response) => {
      const socket = request.socket;
      this.arm(socket, limits.requestMs);
      response.once('finish', () => this.arm(socket, limits.idleMs));
      try {
        handler(request, response, () => this.disarm(socket));
      } catch (error: unknown) {
        this.warn(`HTTP handler failed for ${request.method} ${request.url}: ${String(error)}`);
        if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' }).end('Internal error.');
        else response.destroy();
      }
    });
    // Node answers a malformed or oversized head with 400 / 431 itself when the socket can still be written.
    this.server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
      if (socket.writable) {
        const status = error.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
        socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
      }
      socket.destroy();
    });
  }

  /** Takes a connection whose first bytes (already put back) are an HTTP request. */
  accept(socket: Socket): void {
    if (this.closed || this.sockets.size >= this.limits.maxConnections) {
      socket.on('error', () => undefined);
      socket.destroy();
      if (!this.closed) this.warn(`Refused an HTTP connection: ${this.limits.maxConnections} are open.`);
      return;
    }
    this.sockets.add(socket);
    socket.once('close', () => {
      this.sockets.delete(socket);
      this.disarm(socket);
    });
    socket.on('error', () => undefined);
    socket.setNoDelay(true);
    this.arm(socket, this.limits.idleMs);
    this.server.emit('connection', socket);
  }

  /** Also serves HTTP on its own port (the `httpPort` option); resolves with the bound address. */
  async listen(port: number, host: string): Promise<AddressInfo> {
    const listener = createServer((socket) => this.accept(socket));
    this.listener = listener;
    await new Promise<void>((resolve, reject) => {
      listener.once('listening', resolve);
      listener.once('error', reject);
      listener.listen({ port, host });
    });
    listener.on('error', (error: Error) => this.warn(`HTTP listener error: ${error.message}`));
    return listener.address() as AddressInfo;
  }

  /** Stops the own port (if any) and destroys every HTTP connection, event streams included. Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    const listener = this.listener;
    const stopped = new Promise<void>((resolve) => (listener === undefined || !listener.listening ? resolve() : listener.close(() => resolve())));
    for (const socket of this.sockets) socket.destroy();
    for (const deadline of this.deadlines.values()) deadline.unsubscribe();
    this.deadlines.clear();
    await stopped;
  }

  private arm(socket: Socket, ms: number): void {
    this.disarm(socket);
    if (socket.destroyed) return;
    this.deadlines.set(
      socket,
      this.scheduler.schedule(() => {
        this.deadlines.delete(socket);
        socket.destroy();
      }, ms),
    );
  }

  private disarm(socket: Socket): void {
    this.deadlines.get(socket)?.unsubscribe();
    this.deadlines.delete(socket);
  }
}
