import type { SchedulerLike } from 'rxjs';
import type { TopicOptions } from './TopicOptions';

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
  // Topics group (duplicate detection, auto-forwarding): see TopicOptions.ts.
  /** Drop a message whose message-id was already accepted within the window (still acknowledged). Default false. */
  readonly requiresDuplicateDetection?: boolean;
  /** The duplicate-detection window in ms. Default 10 minutes (Service Bus's default). */
  readonly duplicateDetectionHistoryTimeWindowMs?: number;
  /** Auto-forwarding: every message that becomes active here moves on to this queue or topic. */
  readonly forwardTo?: string;
  /** Dead-lettered messages go to this queue or topic (reason and description kept) instead of the DLQ. */
  readonly forwardDeadLetteredMessagesTo?: string;
}

/** Options of `startEmulator`. */
export interface EmulatorOptions {
  /** TCP port; 0 (the default for the programmatic API) picks a free one. */
  readonly port?: number;
  /** Interface to listen on. Default `127.0.0.1`. */
  readonly host?: string;
  /** The queues, normalised. When neither `queues` nor `config` is given, the documented default set. */
  readonly queues?: readonly QueueOptions[];
  /** Topics with their subscriptions and rules (see {@link TopicOptions}). Default: none (or the config's). */
  readonly topics?: readonly TopicOptions[];
  /** A configuration in the official emulator's `Config.json` shape (`UserConfig.Namespaces[].Queues[]`, `Topics[]`). */
  readonly config?: unknown;
  /** SAS key name and key that CBS tokens are verified against. Defaults `RootManageSharedAccessKey` / `SAS_KEY_VALUE`. */
  readonly sasKeyName?: string;
  readonly sasKey?: string;
  /**
   * Several named SAS keys, each with its rights (like a namespace's shared access policies). When given,
   * these are the keys (`sasKeyName` / `sasKey`, if also given, are added as one more key with Manage).
   * The connection string the handle offers uses the first key with Manage (else the first key).
   */
  readonly sasKeys?: readonly SasKeyOptions[];
  /**
   * Validates a `jwt` put-token (there is no identity provider: without a validator JWTs are refused
   * with 401). Return the rights and expiry it grants, or `undefined` to refuse it.
   */
  readonly validateJwt?: JwtValidator;
  /**
   * Per-connection limits and timeouts (defaults in docs/emulator.md, "Limits"). When `scheduler` is
   * given, the timeouts default to 0 (off): virtual time would make every client look idle.
   */
  readonly limits?: EmulatorLimits;
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

/** A right of a SAS key: Manage includes Send and Listen (as in Service Bus). */
export type SasRight = 'Listen' | 'Send' | 'Manage';

/** One named SAS key (a shared access policy). */
export interface SasKeyOptions {
  /** Key name (`skn` in tokens, `SharedAccessKeyName` in connection strings). */
  readonly name: string;
  /** The key itself (`SharedAccessKey`). */
  readonly key: string;
  /** What tokens signed with this key may do. Default `['Manage']` (everything). */
  readonly rights?: readonly SasRight[];
}

/** What a validated JWT grants. */
export interface JwtGrant {
  readonly rights: readonly SasRight[];
  /** Unix ms after which links authorised by this token are detached (unless renewed). */
  readonly expiresAtMs: number;
}

/** Checks a JWT put on `$cbs` for `audience`; `undefined` refuses it (401). */
export type JwtValidator = (token: string, audience: string) => JwtGrant | undefined;

/**
 * Limits the broker enforces on each client connection. A client that breaks one is disconnected (with
 * an AMQP close carrying the error where the connection got that far) and the broker reports it through
 * `onWarning`; other connections are unaffected. Every field is optional; see docs/emulator.md for defaults.
 */
export interface EmulatorLimits {
  /** Concurrent client connections (handshakes included); more are refused at accept. Default 5000. */
  readonly maxConnections?: number;
  /** `max-frame-size` the broker advertises and enforces. Default 1 MiB. */
  readonly maxFrameBytes?: number;
  /** Largest frame before the connection is open (SASL frames, the open frame). Default 64 KiB. */
  readonly maxFrameBytesBeforeOpen?: number;
  /**
   * Largest message on any link (`$cbs` and `$management` included), enforced as its frames arrive: the
   * bytes of a larger delivery are dropped as they come and the delivery is rejected with
   * `amqp:link:message-size-exceeded` when it ends; a delivery still coming past 4× this (at least
   * 16 MiB) closes its connection with `amqp:resource-limit-exceeded`. Default 256 KiB (Service Bus
   * standard tier).
   */
  readonly maxMessageBytes?: number;
  /** Highest channel number (`channel-max` in open): AMQP sessions per connection. Default 16383. */
  readonly channelMax?: number;
  /** Highest link handle (`handle-max` in begin): links per AMQP session. Default 1023. */
  readonly handleMax?: number;
  /** Links attached at once on one connection. Default 20000. */
  readonly maxLinksPerConnection?: number;
  /** Largest link credit a client may grant the broker. Default 100000. */
  readonly maxLinkCredit?: number;
  /** Deepest nesting in a decoded performative or message. Default 32. */
  readonly maxDecodeDepth?: number;
  /** Most AMQP values in one decoded performative or message (refused before decoding). Default 16384. */
  readonly maxDecodeElements?: number;
  /**
   * Bytes the broker may have queued for a client that does not read; past it the connection is closed.
   * Deliveries pause at a quarter of it until the socket drains, so only replies (e.g. one peek of more
   * than 16 MiB of messages) or a client that stops reading reach it. Default 16 MiB.
   */
  readonly maxOutgoingBytes?: number;
  /** Time from accept to the client's protocol header. Default 10 s; 0 = none (each timeout below too). */
  readonly protocolHeaderTimeoutMs?: number;
  /** Time from the SASL header to the AMQP header that follows a SASL exchange. Default 10 s. */
  readonly saslTimeoutMs?: number;
  /** Time from the AMQP header to the client's open. Default 10 s. */
  readonly openTimeoutMs?: number;
  /**
   * `idle-time-out` the broker advertises in its open: a client that sends nothing (not even an empty
   * frame) for this long is disconnected with `amqp:resource-limit-exceeded`. 0 disables. Default 240 s.
   */
  readonly idleTimeoutMs?: number;
}
