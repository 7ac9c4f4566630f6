import type { EmulatorLimits } from '../config/EmulatorOptions';
import { EmulatorOptionsError } from '../EmulatorOptionsError';

/** {@link EmulatorLimits} with every default applied. */
export type BrokerLimits = { readonly [K in keyof EmulatorLimits]-?: number };

/** The limits a broker enforces when `startEmulator` is given none (documented in docs/emulator.md). */
export const DEFAULT_LIMITS: BrokerLimits = {
  maxConnections: 5_000,
  maxFrameBytes: 1_048_576,
  maxFrameBytesBeforeOpen: 65_536,
  maxMessageBytes: 262_144,
  channelMax: 16_383,
  handleMax: 1_023,
  maxLinksPerConnection: 20_000,
  maxLinkCredit: 100_000,
  maxDecodeDepth: 32,
  maxDecodeElements: 16_384,
  maxOutgoingBytes: 16 * 1_048_576,
  protocolHeaderTimeoutMs: 10_000,
  saslTimeoutMs: 10_000,
  openTimeoutMs: 10_000,
  idleTimeoutMs: 240_000,
};

/** Lower bounds below which the broker could not serve the SDK at all. */
const MINIMUMS: Partial<BrokerLimits> = { maxFrameBytes: 4_096, maxFrameBytesBeforeOpen: 4_096, maxMessageBytes: 1_024, maxDecodeDepth: 8, maxDecodeElements: 256 };
/** Fields that AMQP encodes in 16 bits. */
const USHORT = new Set<keyof BrokerLimits>(['channelMax']);
/** Fields where 0 means "off". */
const ZERO_DISABLES = new Set<keyof BrokerLimits>(['idleTimeoutMs', 'protocolHeaderTimeoutMs', 'saslTimeoutMs', 'openTimeoutMs']);

/** The timeouts, off by default under a caller's scheduler (virtual time would make every client look idle). */
const TIMEOUTS_OFF: Partial<BrokerLimits> = { protocolHeaderTimeoutMs: 0, saslTimeoutMs: 0, openTimeoutMs: 0, idleTimeoutMs: 0 };

/**
 * Applies defaults to `limits` and validates each given field (a non-negative integer, above the
 * field's minimum). With `ownScheduler` (the caller passed a scheduler, typically virtual time), the
 * timeouts default to 0 (off); limits given explicitly still apply.
 *
 * @throws EmulatorOptionsError naming the field, e.g. `limits.maxFrameBytes`.
 */
export function resolveLimits(limits: EmulatorLimits | undefined, ownScheduler = false): BrokerLimits {
  const defaults = ownScheduler ? { ...DEFAULT_LIMITS, ...TIMEOUTS_OFF } : DEFAULT_LIMITS;
  if (limits === undefined) return defaults;
  if (typeof limits !== 'object' || limits === null) throw new EmulatorOptionsError('limits', 'must be an object');
  const resolved: Record<string, number> = { ...defaults };
  for (const [name, value] of Object.entries(limits)) {
    const key = name as keyof BrokerLimits;
    if (!(key in DEFAULT_LIMITS)) throw new EmulatorOptionsError(`limits.${name}`, 'is not a known limit');
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      throw new EmulatorOptionsError(`limits.${name}`, `must be a non-negative integer, got ${String(value)}`);
    }
    const minimum = MINIMUMS[key] ?? (ZERO_DISABLES.has(key) || key === 'channelMax' || key === 'handleMax' ? 0 : 1);
    if (value < minimum && !(ZERO_DISABLES.has(key) && value === 0)) throw new EmulatorOptionsError(`limits.${name}`, `must be at least ${minimum}`);
    if (USHORT.has(key) && value > 65_535) throw new EmulatorOptionsError(`limits.${name}`, 'must be at most 65535');
    resolved[key] = value;
  }
  return resolved as BrokerLimits;
}
