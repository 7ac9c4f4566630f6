import type { EmulatorOptions, SasKeyOptions, SasRight } from '../config/EmulatorOptions';
import { EmulatorOptionsError } from '../EmulatorOptionsError';
import { sasKeysFromConfig } from './sasKeysFromConfig';

/** One key of the keyring, validated. */
export interface SasKey {
  readonly name: string;
  readonly key: string;
  readonly rights: ReadonlySet<SasRight>;
}

const RIGHTS: readonly SasRight[] = ['Listen', 'Send', 'Manage'];
const DEFAULT_KEY_NAME = 'RootManageSharedAccessKey';
const DEFAULT_KEY = 'SAS_KEY_VALUE';

/** True when `granted` includes `needed` (Manage includes Send and Listen, as in Service Bus). */
export function hasRight(granted: ReadonlySet<SasRight>, needed: SasRight): boolean {
  return granted.has(needed) || granted.has('Manage');
}

/**
 * The broker's SAS keys by name (a namespace's shared access policies), each with its rights. Built
 * from `sasKeys` (else `UserConfig.SharedAccessKeys` of `config`), plus `sasKeyName`/`sasKey` as a
 * Manage key; with none of these, the default `RootManageSharedAccessKey` / `SAS_KEY_VALUE` with Manage.
 */
export class SasKeyring {
  private readonly byName = new Map<string, SasKey>();

  constructor(keys: readonly SasKey[]) {
    for (const key of keys) this.byName.set(key.name, key);
  }

  /**
   * The keyring of `options`.
   *
   * @throws EmulatorOptionsError naming a bad key (`sasKeys[1].rights`) or a duplicate name;
   *   EmulatorConfigError for a malformed `UserConfig.SharedAccessKeys` in `config`.
   */
  static from(options: Pick<EmulatorOptions, 'sasKeys' | 'sasKeyName' | 'sasKey' | 'config'>): SasKeyring {
    const keys: SasKey[] = [];
    const given = options.sasKeys ?? (options.config === undefined ? undefined : sasKeysFromConfig(options.config));
    if (given !== undefined && !Array.isArray(given)) throw new EmulatorOptionsError('sasKeys', 'must be an array of { name, key, rights }');
    (given ?? []).forEach((entry, index) => keys.push(validKey(entry, `sasKeys[${index}]`)));
    if (options.sasKeyName !== undefined || options.sasKey !== undefined || keys.length === 0) {
      keys.push(validKey({ name: options.sasKeyName ?? DEFAULT_KEY_NAME, key: options.sasKey ?? DEFAULT_KEY, rights: ['Manage'] }, 'sasKey'));
    }
    const seen = new Set<string>();
    for (const key of keys) {
      if (seen.has(key.name)) throw new EmulatorOptionsError('sasKeys', `the key name '${key.name}' is given twice`);
      seen.add(key.name);
    }
    return new SasKeyring(keys);
  }

  get(name: string): SasKey | undefined {
    return this.byName.get(name);
  }

  /** The key for the connection string the broker offers: the first with Manage, else the first. */
  get primary(): SasKey {
    const all = [...this.byName.values()];
    return (all.find((k) => k.rights.has('Manage')) ?? all[0]) as SasKey;
  }
}

function validKey(entry: SasKeyOptions, at: string): SasKey {
  if (typeof entry !== 'object' || entry === null) throw new EmulatorOptionsError(at, 'must be { name, key, rights }');
  if (typeof entry.name !== 'string' || entry.name.length === 0 || /[;=]/.test(entry.name)) {
    throw new EmulatorOptionsError(`${at}.name`, 'must be a non-empty string without ; or =');
  }
  if (typeof entry.key !== 'string' || entry.key.length === 0 || entry.key.includes(';')) throw new EmulatorOptionsError(`${at}.key`, 'must be a non-empty string without ;');
  const rights = entry.rights ?? ['Manage'];
  if (!Array.isArray(rights) || rights.length === 0 || rights.some((r) => !RIGHTS.includes(r))) {
    throw new EmulatorOptionsError(`${at}.rights`, `must be a non-empty list of ${RIGHTS.join(', ')}`);
  }
  return { name: entry.name, key: entry.key, rights: new Set(rights) };
}
