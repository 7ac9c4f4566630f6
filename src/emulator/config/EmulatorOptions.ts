import type { SchedulerLike } from 'rxjs';

/** One queue of the embedded broker, in normalised form (milliseconds, booleans with defaults applied). */
export interface QueueOptions {
  /** Queue name (case-insensitive on the wire, like Service Bus). */
  readonly name: string;
  /** Sessions required: messages need a session id; receivers must accept a session. Default false. */
  readonly requiresSession?: boolean;
  /** Message / session lock duration in ms. Default 60 000. May be short (e.g. 500) for tests. */
  readonly lockDurationMs?: number;
  /** Deliveries before a message is dead-lettered with reason `MaxDeliveryCountExceeded`. Default 10. */
  readonly maxDeliveryCount?: number;
  /** Time to live of messages without their own TTL, in ms. Default: unlimited. */
  readonly defaultMessageTimeToLiveMs?: number;
  /** Dead-letter expired messages (reason `TTLExpiredException`) instead of dropping them. Default false. */
  readonly deadLetteringOnMessageExpiration?: boolean;
}

/** Options of `startEmulator`. */
export interface EmulatorOptions {
  /** TCP port; 0 (the default for the programmatic API) picks a free one. */
  readonly port?: number;
  /** Interface to listen on. Default `127.0.0.1`. */
  readonly host?: string;
  /** The queues, normalised. When neither `queues` nor `config` is given, the documented default set. */
  readonly queues?: readonly QueueOptions[];
  /** A configuration in the official emulator's `Config.json` shape (`UserConfig.Namespaces[].Queues[]`). */
  readonly config?: unknown;
  /** SAS key name and key that CBS tokens are verified against. Defaults `RootManageSharedAccessKey` / `SAS_KEY_VALUE`. */
  readonly sasKeyName?: string;
  readonly sasKey?: string;
  /** Clock for lock expiry, TTL and next-session waits. Default rxjs `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
  /**
   * HTTP (administration API and inspector) is always served on `port` too, told apart from AMQP by a
   * connection's first bytes; `httpPort` adds a port of its own (0 picks a free one), as the official
   * emulator serves its management API on 5300. Default: none.
   */
  readonly httpPort?: number;
  /** Receives warnings (e.g. unknown config properties). Default: `console.warn`. */
  readonly onWarning?: (message: string) => void;
}
