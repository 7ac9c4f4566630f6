import { mergeMap, type Observable } from 'rxjs';
import type { AcceptSessionOptions } from '../../session/AcceptSessionOptions';
import type { ServiceBusClient } from '../../client/ServiceBusClient';
import { sessionPool } from '../../pool/sessionPool';
import type { DemoEvent } from './DemoEvent';
import { processOrderSession, type SessionProcessing } from './processOrderSession';

/** Lock stream settings of the demo's sessions: a tick every 250 ms drives the lock bars. */
const ACCEPT: AcceptSessionOptions = { tickPeriod: 250, expiringSoonThreshold: 1_000, timeout: 5_000 };

/**
 * A worker: a session pool of `maxConcurrentSessions` on `queue`, each session processed with
 * `processOrderSession` (auto-renewed within `processing.maxRenewalMs`). Sessions idle for
 * `idleTimeoutMs` are closed by the pool. Runs until unsubscribed; errors with the pool's final error.
 */
export function poolWorker(
  client: ServiceBusClient,
  queue: string,
  options: { readonly maxConcurrentSessions: number; readonly idleTimeoutMs: number; readonly processing: SessionProcessing },
): Observable<DemoEvent> {
  return sessionPool(client, queue, {
    maxConcurrentSessions: options.maxConcurrentSessions,
    sessionIdleTimeout: options.idleTimeoutMs,
    accept: ACCEPT,
    backoff: { initial: 200, max: 1_000 },
    scheduler: options.processing.scheduler,
  }).pipe(mergeMap((session) => processOrderSession(session, options.processing)));
}

/**
 * The slow worker: accepts one given session and processes it with `processing` (whose handler is
 * slower than its renewal budget). Completes when that session ended.
 */
export function singleSessionWorker(client: ServiceBusClient, queue: string, sessionId: string, processing: SessionProcessing): Observable<DemoEvent> {
  return client.acceptSession(queue, sessionId, ACCEPT).pipe(mergeMap((session) => processOrderSession(session, processing)));
}
