import type { Broker } from '../../Broker';
import { parseAudience, type Audience } from '../../cbs/parseAudience';
import { hasRight } from '../../cbs/SasKeyring';
import { verifySasToken } from '../../cbs/verifySasToken';

/** Whether a request may go on: `undefined`, or why not (the 401's detail). */
export type AdminAuthorisation = string | undefined;

/**
 * Checks the SAS token of an administration request (`Authorization: SharedAccessSignature …`) the way
 * `$cbs` checks a put-token, through `verifySasToken`: a key of the broker's keyring, signature, expiry,
 * and an audience that covers the request. The SDK signs the request URL itself (`sr` = the lower-cased,
 * encoded `https://host:port/<path>?api-version=…`, the query not part of the audience), then this
 * broker receives it over plain HTTP: the audience is the requested path on the request's `Host`, with
 * the token's scheme when it is `http` or `https`. `write` requests (PUT, DELETE) need the Manage right.
 */
export function authoriseAdminRequest(broker: Broker, header: string | undefined, requestPath: string, host: string, write: boolean): AdminAuthorisation {
  if (header === undefined || header.length === 0) return 'The request has no Authorization header with a SharedAccessSignature.';
  const resource = tokenResource(header);
  if (resource === undefined) return 'The Authorization header is not a SharedAccessSignature with an sr naming an http(s) URL.';
  const requested = parseAudience(`${resource.scheme}://${host}${requestPath}`);
  if (requested === undefined) return `The request's Host '${host}' is not a host name.`;
  const verdict = verifySasToken(header, requested, broker.sasKeys, broker.now());
  if (!verdict.valid) return verdict.reason;
  if (write && !hasRight(verdict.rights, 'Manage')) return 'The key lacks the Manage right needed to create, change or delete entities.';
  return undefined;
}

/** The audience the token's `sr` names, when it is an http(s) URL (the form the SDK's admin client signs). */
function tokenResource(header: string): Audience | undefined {
  const match = /(?:^SharedAccessSignature |&)sr=([^&]*)/.exec(header);
  if (match === null) return undefined;
  let decoded: string;
  try {
    decoded = decodeURIComponent(match[1] as string);
  } catch {
    return undefined;
  }
  const audience = parseAudience(decoded);
  return audience !== undefined && (audience.scheme === 'http' || audience.scheme === 'https') ? audience : undefined;
}
