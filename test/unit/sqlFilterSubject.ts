import type { FilterValue, MutableFilterSubject } from '../../src/emulator/filters/RuleFilter';

/** A message over two plain maps, as the SQL filter language reads and changes it. */
export interface MapSubject extends MutableFilterSubject {
  /** System properties by lower-cased name (`Label` and `Subject` share one entry). */
  readonly sys: Map<string, FilterValue>;
  /** Application properties by exact name. */
  readonly props: Map<string, FilterValue>;
}

const systemKey = (name: string): string => {
  const lower = name.toLowerCase();
  return lower === 'subject' ? 'label' : lower;
};

/** A tiny in-test {@link MutableFilterSubject}: `user` matched exactly, `system` case-insensitively. */
export function mapSubject(
  user: Record<string, FilterValue> = {},
  system: Record<string, FilterValue> = {},
): MapSubject {
  const sys = new Map(Object.entries(system).map(([k, v]) => [systemKey(k), v]));
  const props = new Map(Object.entries(user));
  return {
    sys,
    props,
    system: (name) => sys.get(systemKey(name)),
    user: (name) => props.get(name),
    setSystem: (name, value) => {
      if (value === undefined) sys.delete(systemKey(name));
      else sys.set(systemKey(name), value);
    },
    setUser: (name, value) => {
      if (value === undefined) props.delete(name);
      else props.set(name, value);
    },
    removeSystem: (name) => void sys.delete(systemKey(name)),
    removeUser: (name) => void props.delete(name),
  };
}
