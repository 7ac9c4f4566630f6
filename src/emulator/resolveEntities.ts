import type { EmulatorOptions } from './config/EmulatorOptions';
import type { NamespaceEntities } from './entities/Namespace';

/**
 * The broker's entities at start: `options.config` (the official emulator's `Config.json`, parsed and
 * checked: throws `EmulatorConfigError` naming the bad field) gives queues and topics; `options.queues` /
 * `options.topics` replace the config's. With none of the three: the documented default queues.
 * The options themselves are validated when the namespace is built (see `startEmulator`).
 */
export async function resolveEntities(options: EmulatorOptions, warn: (message: string) => void): Promise<NamespaceEntities> {
  let base: NamespaceEntities = {};
  if (options.config !== undefined) {
    // Loaded on demand: config parsing is only needed when a configuration is given.
    const { parseEmulatorConfig } = await import('./config/parseEmulatorConfig');
    base = parseEmulatorConfig(options.config, warn);
  } else if (options.queues === undefined && options.topics === undefined) {
    const { defaultQueues } = await import('./config/defaultQueues');
    base = { queues: defaultQueues };
  }
  return {
    queues: options.queues ?? base.queues ?? [],
    topics: options.topics ?? base.topics ?? [],
  };
}
