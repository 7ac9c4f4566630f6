import type { InjectedFault } from './FaultInjector';

/** Message and lock counts of one queue or subscription (and its dead-letter queue) at one instant. */
export interface QueueStats {
  /** Queue name as configured; for a subscription `<topic>/Subscriptions/<name>`. */
  readonly name: string;
  readonly requiresSession: boolean;
  /** Active messages: available to receivers, or delivered and locked (see `locked`). */
  readonly active: number;
  /** Active messages currently locked by a receiver (delivered in peekLock, not yet settled). */
  readonly locked: number;
  /** Deferred messages (retrievable by sequence number). */
  readonly deferred: number;
  /** Scheduled messages not yet active. */
  readonly scheduled: number;
  /** Messages in the queue's dead-letter queue (`<name>/$deadletterqueue`). */
  readonly deadLettered: number;
  /** Sessions the queue knows (with messages, state or a lock); 0 for a non-session queue. */
  readonly sessions: number;
  /** Sessions currently locked by a receiver. */
  readonly lockedSessions: number;
}

/** A topic's counts: its pending scheduled messages and each subscription's message and lock counts. */
export interface TopicStats {
  readonly name: string;
  /** Scheduled messages sent to the topic and not yet fanned out. */
  readonly scheduled: number;
  /** One entry per subscription, in creation order; `name` is `<topic>/Subscriptions/<name>`. */
  readonly subscriptions: readonly QueueStats[];
}

/** A snapshot of the broker, for demos and benchmarks. */
export interface EmulatorStats {
  /** Open client connections. */
  readonly connections: number;
  /** One entry per queue, in creation order. */
  readonly queues: readonly QueueStats[];
  /** One entry per topic, in creation order. */
  readonly topics: readonly TopicStats[];
}

/** A running broker, returned by `startEmulator`. */
export interface EmulatorHandle {
  /** The TCP port the broker listens on (the actual one when started on port 0). */
  readonly port: number;
  readonly host: string;
  /**
   * `Endpoint=sb://localhost:PORT;SharedAccessKeyName=…;SharedAccessKey=…;UseDevelopmentEmulator=true;`
   * with the configured key name and key: give it to `ServiceBusClient` as is.
   */
  readonly connectionString: string;
  /** The HTTP side: the inspector page's URL and the `httpPort` actually bound (when one was asked for). */
  readonly http: { readonly inspectorUrl: string; readonly port: number | undefined };
  /** Stops listening, detaches every link, closes every connection and releases timers. Idempotent. */
  close(): Promise<void>;
  /**
   * Test control: the next `fault.count` (default 1) requests whose `operation` application property
   * equals `operation` (e.g. `'com.microsoft:renew-session-lock'`, or `'put-token'` on `$cbs`) fail with
   * `fault.statusCode` / `fault.condition` / `fault.description` instead of running.
   */
  injectFault(operation: string, fault: InjectedFault): void;
  /** Current message, lock and connection counts. */
  stats(): EmulatorStats;
}

export type { InjectedFault };
