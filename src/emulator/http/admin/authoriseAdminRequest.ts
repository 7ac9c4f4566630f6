import type { Broker } from '../../Broker';
import { verifySasToken } from '../../cbs/verifySasToken';
import { audiencePath } from '../../entities/Namespace';

/** Whether a request may go on: `undefined`, or why not (the 401's detail). */
export type AdminAuthorisation = string | undefined;

/**
 * Checks the SAS token of an administration request (`Authorization: SharedAccessSignature …`) the way
 * `$cbs` checks a put-token: key name, signature, expiry, via `verifySasToken`. The SDK signs the request
 * URL itself (`sr` = the lower-cased, encoded `https://host/<path>?api-version=…`), so the audience is
 * checked here on the path alone (query removed): the token must be issued for the namespace, for the
 * requested path or for a prefix of it. `write` requests (PUT, DELETE) need the Manage right, which the
 * broker's one key has.
 */
export function authoriseAdminRequest(broker: Broker, header: string | undefined, requestPath: string, write: boolean): AdminAuthorisation {
  if (header === undefined || header.length === 0) return 'The request has no Authorization header with a SharedAccessSignature.';
  const resource = tokenResource(header);
  if (resource === undefined) return 'The Authorization header is not a SharedAccessSignature with an sr field.';
  const resourcePath = audiencePath(resource.split('?')[0] as string);
  const target = audiencePath(requestPath.split('?')[0] as string);
  if (resourcePath !== '' && resourcePath !== target && !target.startsWith(`${resourcePath}/`)) {
    return `The token is issued for '${resource}', not for '/${target}'.`;
  }
  // The audience matched above; verifySasToken checks key, signature and expiry (its own audience test
  // is given the token's resource, which it covers by definition).
  const verdict = verifySasToken(header, resource, broker.sasKey.keyName, broker.sasKey.key, broker.now());
  if (!verdict.valid) return verdict.reason;
  return write && !hasManageRight(broker.sasKey.keyName) ? `The key '${broker.sasKey.keyName}' lacks the Manage right needed to change entities.` : undefined;
}

/** The broker's key is the namespace's root key: it holds Manage (and so Send and Listen). */
function hasManageRight(_keyName: string): boolean {
  return true;
}

function tokenResource(header: string): string | undefined {
  const match = /(?:^SharedAccessSignature |&)sr=([^&]*)/.exec(header);
  if (match === null) return undefined;
  try {
    return decodeURIComponent(match[1] as string);
  } catch {
    return undefined;
  }
}
