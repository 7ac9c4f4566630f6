/** An audience or SAS resource URI split into what authorisation compares. */
export interface Audience {
  /** Lower-case scheme, e.g. `sb`. */
  readonly scheme: string;
  /** Lower-case host name, without port. */
  readonly host: string;
  /** Entity path, lower-case, without slashes at either end; `''` for the namespace. */
  readonly path: string;
}

/** Schemes a Service Bus audience may use. */
const SCHEMES = new Set(['sb', 'amqp', 'amqps', 'http', 'https']);

/** Parses `sb://host[:port]/path`; `undefined` when it is not such a URI (bad scheme, no host). */
export function parseAudience(text: string): Audience | undefined {
  const match = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)/i.exec(text);
  if (match === null) return undefined;
  const scheme = (match[1] as string).toLowerCase();
  const authority = (match[2] as string).toLowerCase();
  if (!SCHEMES.has(scheme) || authority.length === 0 || authority.includes('@')) return undefined;
  const host = authority.startsWith('[') ? authority.slice(0, authority.indexOf(']') + 1) : authority.replace(/:\d*$/, '');
  const path = (match[3] as string).replace(/^\/+|\/+$/g, '').toLowerCase();
  return { scheme, host, path };
}
