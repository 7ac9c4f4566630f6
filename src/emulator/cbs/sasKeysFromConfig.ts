import type { SasKeyOptions, SasRight } from '../config/EmulatorOptions';
import { EmulatorConfigError } from '../config/EmulatorConfigError';

/**
 * The SAS keys of a `Config.json` (this broker's extension of the official schema):
 * `UserConfig.SharedAccessKeys: [{ "Name": "…", "Key": "…", "Rights": ["Listen", "Send", "Manage"] }]`
 * (property names case-insensitive, `Rights` optional = Manage). `undefined` when the config has none.
 *
 * @throws EmulatorConfigError naming the JSON path of a malformed entry.
 */
export function sasKeysFromConfig(json: unknown): SasKeyOptions[] | undefined {
  const userConfig = property(json, 'UserConfig');
  const keys = property(userConfig, 'SharedAccessKeys');
  if (keys === undefined) return undefined;
  const path = 'UserConfig.SharedAccessKeys';
  if (!Array.isArray(keys)) throw new EmulatorConfigError(path, 'must be an array of { Name, Key, Rights }');
  return keys.map((entry: unknown, i) => {
    const at = `${path}[${i}]`;
    const name = property(entry, 'Name');
    const key = property(entry, 'Key');
    const rights = property(entry, 'Rights');
    if (typeof name !== 'string') throw new EmulatorConfigError(`${at}.Name`, 'must be a string');
    if (typeof key !== 'string') throw new EmulatorConfigError(`${at}.Key`, 'must be a string');
    if (rights !== undefined && (!Array.isArray(rights) || rights.some((r) => typeof r !== 'string'))) {
      throw new EmulatorConfigError(`${at}.Rights`, 'must be a list of Listen, Send, Manage');
    }
    return { name, key, ...(rights === undefined ? {} : { rights: rights as SasRight[] }) };
  });
}

function property(value: unknown, name: string): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const key = Object.keys(value).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : (value as Record<string, unknown>)[key];
}
