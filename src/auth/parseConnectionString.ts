import { InvalidArgumentError } from '../errors';

/** The parts of a Service Bus connection string this client uses. Secrets are kept as given. */
export interface ParsedConnectionString {
  /** `sb://host[:port]/` — always ends with `/`; the prefix of every CBS audience. */
  readonly endpoint: string;
  /** Host name (or IP literal, without brackets) to connect to. */
  readonly host: string;
  /** Port given in `Endpoint`, if any. */
  readonly port: number | undefined;
  /** `UseDevelopmentEmulator=true` (exact, case-sensitive value): plain TCP, default port 5672. */
  readonly useDevelopmentEmulator: boolean;
  readonly sharedAccessKeyName?: string;
  readonly sharedAccessKey?: string;
  /** `SharedAccessSignature=` value, sent verbatim as the CBS token. */
  readonly sharedAccessSignature?: string;
  /** `EntityPath`: when present, every queue name passed to the client must equal it. */
  readonly entityPath?: string;
}

const ENDPOINT = /^([a-z][a-z0-9+.-]*):\/\/(\[[^\]]+\]|[^/:?#\s]+)(?::(\d+))?(?:\/.*)?$/i;

/**
 * Parses a Service Bus connection string the way the official SDKs take it:
 * `Endpoint=sb://host[:port]/;SharedAccessKeyName=…;SharedAccessKey=…` or `…;SharedAccessSignature=…`,
 * optionally `EntityPath=…` and `UseDevelopmentEmulator=true`. Key names are matched
 * case-insensitively (as .NET does); the `UseDevelopmentEmulator` value must be exactly `true` (as JS does).
 * A value may itself contain `=` (base64 keys); parts are separated by `;`.
 *
 * Throws `InvalidArgumentError` (argument `connectionString`) naming the problem — never echoing a secret.
 */
export function parseConnectionString(connectionString: unknown): ParsedConnectionString {
  if (typeof connectionString !== 'string' || connectionString.trim() === '') {
    throw new InvalidArgumentError('connectionString', 'must be a non-empty string');
  }
  const values = new Map<string, string>();
  for (const part of connectionString.split(';')) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    if (eq <= 0) {
      throw new InvalidArgumentError('connectionString', 'must be a list of key=value pairs separated by ";"');
    }
    const key = part.slice(0, eq).trim().toLowerCase();
    if (values.has(key)) {
      throw new InvalidArgumentError('connectionString', `has the key "${part.slice(0, eq).trim()}" more than once`);
    }
    values.set(key, part.slice(eq + 1).trim());
  }

  const endpointText = values.get('endpoint');
  if (endpointText === undefined || endpointText === '') {
    throw new InvalidArgumentError('connectionString', 'is missing Endpoint (e.g. Endpoint=sb://<namespace>.servicebus.windows.net/)');
  }
  const match = ENDPOINT.exec(endpointText);
  const rawHost = match?.[2];
  if (!match || rawHost === undefined) {
    throw new InvalidArgumentError('connectionString', 'has an Endpoint that is not a URL of the form sb://host[:port]/');
  }
  const port = match[3] === undefined || match[3] === '' ? undefined : Number(match[3]);
  if (port !== undefined && (port < 1 || port > 65535)) {
    throw new InvalidArgumentError('connectionString', `has an Endpoint port outside 1..65535`, port);
  }
  const host = rawHost.startsWith('[') ? rawHost.slice(1, -1) : rawHost;
  const endpoint = `${match[1]}://${rawHost}${port === undefined ? '' : `:${port}`}/`;

  const keyName = values.get('sharedaccesskeyname');
  const key = values.get('sharedaccesskey');
  const signature = values.get('sharedaccesssignature');
  if (signature !== undefined) {
    if (keyName !== undefined || key !== undefined) {
      throw new InvalidArgumentError('connectionString', 'must not have both SharedAccessSignature and SharedAccessKey/SharedAccessKeyName');
    }
    if (signature === '') throw new InvalidArgumentError('connectionString', 'has an empty SharedAccessSignature');
  } else {
    if (keyName === undefined && key === undefined) {
      throw new InvalidArgumentError('connectionString', 'must have SharedAccessKeyName and SharedAccessKey, or SharedAccessSignature');
    }
    if (keyName === undefined || keyName === '') {
      throw new InvalidArgumentError('connectionString', 'has a SharedAccessKey but no (or an empty) SharedAccessKeyName');
    }
    if (key === undefined || key === '') {
      throw new InvalidArgumentError('connectionString', 'has a SharedAccessKeyName but no (or an empty) SharedAccessKey');
    }
  }

  const entityPath = values.get('entitypath');
  if (entityPath === '') throw new InvalidArgumentError('connectionString', 'has an empty EntityPath');

  return {
    endpoint,
    host,
    port,
    useDevelopmentEmulator: values.get('usedevelopmentemulator') === 'true',
    ...(keyName === undefined ? {} : { sharedAccessKeyName: keyName }),
    ...(key === undefined ? {} : { sharedAccessKey: key }),
    ...(signature === undefined ? {} : { sharedAccessSignature: signature }),
    ...(entityPath === undefined ? {} : { entityPath }),
  };
}
