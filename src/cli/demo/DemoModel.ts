import type { DemoEvent, OrderCheckpoint } from './DemoEvent';

/** One held session, as the live view shows it. */
export interface SessionRow {
  readonly consumer: string;
  readonly sessionId: string;
  readonly lockDurationMs: number;
  /** Remaining lock time at the last lock event (ticks count it down, renewals jump it back). */
  remainingMs: number;
  lockState: 'held' | 'renewed' | 'tick' | 'expiring' | 'lost';
  renewals: number;
  processed: number;
  checkpoint: OrderCheckpoint | undefined;
  /** Set once auto-renewal gave up (its error name). */
  renewalStopped: string | undefined;
}

/** What happened to one produced message. */
export interface MessageRecord {
  /** Consumers it was delivered to, in order (one entry per delivery). */
  readonly deliveries: string[];
  outcome: 'completed' | 'dead-lettered' | undefined;
  settledBy: string | undefined;
}

/** A lock loss and the messages it left unsettled. */
export interface LockLoss {
  readonly consumer: string;
  readonly sessionId: string;
  readonly reason: string;
  readonly at: number;
  /** Messages delivered on the lost session and not settled there. */
  readonly inFlight: readonly string[];
}

const rowKey = (consumer: string, sessionId: string): string => `${consumer}\u0000${sessionId}`;
const RATE_WINDOW_MS = 2_000;

/**
 * The demo's view model: folds `DemoEvent`s into the rows of held sessions, the totals and the ledger of
 * every produced message. Deterministic: it reads no clock (times come from the events) and does no I/O.
 */
export class DemoModel {
  /** Held sessions by consumer and id, in acceptance order. */
  readonly rows = new Map<string, SessionRow>();
  /** Every message seen, by its id. */
  readonly messages = new Map<string, MessageRecord>();
  readonly losses: LockLoss[] = [];
  produced = 0;
  completed = 0;
  deadLettered = 0;
  accepted = 0;
  renewals = 0;
  autoRenewErrors = 0;
  settleFailures = 0;
  /** Unexpected errors (`session-error` events): any makes the run fail. */
  readonly errors: string[] = [];
  closedIdle = 0;
  trafficDone = false;
  /** Time of the first and of the latest event. */
  startedAt: number | undefined;
  lastAt: number | undefined;
  private readonly recentCompletions: number[] = [];
  /** Unsettled deliveries per held session (row key → message ids). */
  private readonly unsettled = new Map<string, Set<string>>();

  /** Folds one event in. */
  apply(event: DemoEvent): void {
    this.startedAt ??= event.at;
    this.lastAt = event.at;
    switch (event.type) {
      case 'produced':
        this.produced++;
        this.record(event.message.id);
        return;
      case 'traffic-done':
        this.trafficDone = true;
        return;
      case 'accepted':
        this.accepted++;
        this.rows.set(rowKey(event.consumer, event.sessionId), {
          consumer: event.consumer,
          sessionId: event.sessionId,
          lockDurationMs: event.lockDurationMs,
          remainingMs: Math.max(0, event.lockedUntil - event.at),
          lockState: 'held',
          renewals: 0,
          processed: 0,
          checkpoint: undefined,
          renewalStopped: undefined,
        });
        this.unsettled.set(rowKey(event.consumer, event.sessionId), new Set());
        return;
      case 'lock': {
        const row = this.rows.get(rowKey(event.consumer, event.sessionId));
        if (row === undefined) return;
        row.remainingMs = event.remainingMs;
        row.lockState = event.kind;
        if (event.kind === 'renewed') {
          row.renewals++;
          this.renewals++;
        }
        return;
      }
      case 'auto-renew-error': {
        this.autoRenewErrors++;
        const row = this.rows.get(rowKey(event.consumer, event.sessionId));
        if (row !== undefined) row.renewalStopped = event.errorName;
        return;
      }
      case 'lock-lost': {
        const key = rowKey(event.consumer, event.sessionId);
        const row = this.rows.get(key);
        if (row !== undefined) {
          row.lockState = 'lost';
          row.remainingMs = 0;
        }
        const inFlight = [...(this.unsettled.get(key) ?? [])];
        this.losses.push({ consumer: event.consumer, sessionId: event.sessionId, reason: event.reason, at: event.at, inFlight });
        return;
      }
      case 'received':
        this.record(event.messageId).deliveries.push(event.consumer);
        this.unsettled.get(rowKey(event.consumer, event.sessionId))?.add(event.messageId);
        return;
      case 'completed':
      case 'dead-lettered': {
        const record = this.record(event.messageId);
        record.outcome = event.type;
        record.settledBy = event.consumer;
        if (event.type === 'completed') {
          this.completed++;
          this.recentCompletions.push(event.at);
        } else this.deadLettered++;
        const key = rowKey(event.consumer, event.sessionId);
        this.unsettled.get(key)?.delete(event.messageId);
        const row = this.rows.get(key);
        if (row !== undefined) {
          row.processed++;
          if (event.type === 'completed') row.checkpoint = event.checkpoint;
        }
        return;
      }
      case 'settle-failed':
        this.settleFailures++;
        return;
      case 'session-error':
        this.errors.push(`${event.consumer} ${event.sessionId}: ${event.errorName}: ${event.detail}`);
        return;
      case 'closed': {
        const key = rowKey(event.consumer, event.sessionId);
        this.rows.delete(key);
        this.unsettled.delete(key);
        if (event.why === 'idle') this.closedIdle++;
        return;
      }
    }
  }

  /** Messages produced and not yet completed or dead-lettered. */
  get outstanding(): number {
    let n = 0;
    for (const record of this.messages.values()) if (record.outcome === undefined) n++;
    return n;
  }

  /** True once the traffic is over and every produced message was completed or dead-lettered. */
  get allSettled(): boolean {
    return this.trafficDone && this.outstanding === 0;
  }

  /** Completions per second: since the start, and over the last two seconds before `now`. */
  throughput(now: number): { overall: number; recent: number } {
    const elapsed = this.startedAt === undefined ? 0 : now - this.startedAt;
    while (this.recentCompletions.length > 0 && (this.recentCompletions[0] ?? now) < now - RATE_WINDOW_MS) this.recentCompletions.shift();
    return {
      overall: elapsed > 0 ? (this.completed * 1_000) / elapsed : 0,
      recent: (this.recentCompletions.length * 1_000) / RATE_WINDOW_MS,
    };
  }

  /** For each lock loss: its in-flight messages, and who settled them afterwards (if anyone). */
  redeliveries(): { loss: LockLoss; settled: { id: string; by: string | undefined; outcome: MessageRecord['outcome'] }[] }[] {
    return this.losses.map((loss) => ({
      loss,
      settled: loss.inFlight.map((id) => {
        const record = this.messages.get(id);
        return { id, by: record?.settledBy, outcome: record?.outcome };
      }),
    }));
  }

  private record(id: string): MessageRecord {
    let record = this.messages.get(id);
    if (record === undefined) {
      record = { deliveries: [], outcome: undefined, settledBy: undefined };
      this.messages.set(id, record);
    }
    return record;
  }
}
