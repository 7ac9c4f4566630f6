/** Bounds on what one HTTP client may make the broker hold or wait for. */
export interface HttpLimits {
  /** Largest request head (request line and headers) in bytes; larger → 431 and the socket is closed. */
  readonly maxHeaderBytes: number;
  /** Largest request body in bytes; larger → 413 and the socket is closed. */
  readonly maxBodyBytes: number;
  /** A connection must complete a request head this long after it opened or after its last response. */
  readonly idleMs: number;
  /** A request (head and body) must arrive completely within this time. */
  readonly requestMs: number;
  /** Most live inspector streams (server-sent events) at once; more → 503. */
  readonly maxEventStreams: number;
  /** Most HTTP connections at once; more are closed at once. */
  readonly maxConnections: number;
}

/** The broker's HTTP limits: 16 KiB heads, 1 MiB bodies, 10 s idle, 30 s per request, 32 streams, 256 connections. */
export const defaultHttpLimits: HttpLimits = {
  maxHeaderBytes: 16_384,
  maxBodyBytes: 1_048_576,
  idleMs: 10_000,
  requestMs: 30_000,
  maxEventStreams: 32,
  maxConnections: 256,
};
