import type { EmulatorOptions, QueueOptions } from './config/EmulatorOptions';
import { EmulatorOptionsError } from './EmulatorOptionsError';
import { resolveQueueOptions, type ResolvedQueueOptions } from './entities/ResolvedQueueOptions';

/**
 * The broker's queues: `options.queues` if given, else `options.config` parsed as the official emulator's
 * `Config.json` (which throws `EmulatorConfigError` naming the bad field), else the default set. Defaults
 * are applied and the result validated.
 *
 * @throws EmulatorOptionsError naming the first invalid queue option (e.g. `queues[0].lockDurationMs`).
 */
export async function resolveQueues(options: EmulatorOptions, warn: (message: string) => void): Promise<ResolvedQueueOptions[]> {
  let queues: readonly QueueOptions[];
  if (options.queues !== undefined) {
    queues = options.queues;
  } else if (options.config !== undefined) {
    // Loaded on demand: config parsing is only needed when a configuration is given.
    const { parseEmulatorConfig } = await import('./config/parseEmulatorConfig');
    queues = parseEmulatorConfig(options.config, warn);
  } else {
    const { defaultQueues } = await import('./config/defaultQueues');
    queues = defaultQueues;
  }
  if (!Array.isArray(queues)) throw new EmulatorOptionsError('queues', 'must be an array of queue options');
  const seen = new Set<string>();
  return queues.map((queue, index) => {
    const at = `queues[${index}]`;
    if (typeof queue?.name !== 'string' || queue.name.trim().length === 0) throw new EmulatorOptionsError(`${at}.name`, 'must be a non-empty string');
    if (/[/\\?#]|\$/.test(queue.name)) throw new EmulatorOptionsError(`${at}.name`, `'${queue.name}' contains a character not allowed in a queue name`);
    const key = queue.name.toLowerCase();
    if (seen.has(key)) throw new EmulatorOptionsError(`${at}.name`, `'${queue.name}' is defined twice (names are case-insensitive)`);
    seen.add(key);
    const resolved = resolveQueueOptions(queue);
    positive(resolved.lockDurationMs, `${at}.lockDurationMs`);
    positive(resolved.defaultMessageTimeToLiveMs, `${at}.defaultMessageTimeToLiveMs`, true);
    if (!Number.isInteger(resolved.maxDeliveryCount) || resolved.maxDeliveryCount < 1) {
      throw new EmulatorOptionsError(`${at}.maxDeliveryCount`, 'must be an integer ≥ 1');
    }
    return resolved;
  });
}

function positive(value: number, option: string, infinityAllowed = false): void {
  if (typeof value !== 'number' || Number.isNaN(value) || value <= 0 || (!infinityAllowed && !Number.isFinite(value))) {
    throw new EmulatorOptionsError(option, 'must be a positive number of milliseconds');
  }
}
