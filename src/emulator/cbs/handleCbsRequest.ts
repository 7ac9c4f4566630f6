import type { Message } from 'rhea';
import type { Broker } from '../Broker';
import { types } from '../rhea/codec';
import { asRecord, asString } from '../wire/values';
import { parseAudience } from './parseAudience';
import type { SasRight } from '../config/EmulatorOptions';
import { verifySasToken } from './verifySasToken';

/** What a put-token needs of the connection it arrives on (the broker's `BrokerConnection`). */
export interface CbsConnection {
  /** The host the client named in its open. */
  readonly namespaceHost: string;
  /** Records a granted token for `path` until `expiresAt` (Unix ms). */
  authorise(path: string, expiresAt: number, rights: ReadonlySet<SasRight>): void;
}

const SAS_TOKEN_TYPE = 'servicebus.windows.net:sastoken';

/**
 * Answers a `$cbs` request. `put-token` authorises its audience on this connection, with the rights of the
 * token, until the token expires (links it covers are then detached unless a new put-token renews it):
 *
 * - the audience must be `sb://<host>/<entity>` (or the namespace) for the host the client addressed in
 *   its open, and name a known entity (else 404 with the description the SDKs map to `MessagingEntityNotFound`);
 * - a SAS token must be signed by one of the broker's keys, unexpired, for a resource covering the
 *   audience (same scheme and host, a prefix of its path); it grants its key's rights;
 * - a `jwt` is refused unless the broker has a `validateJwt` option, which decides and grants.
 *
 * Failures answer 401 with the reason. Replies carry `status-code` as an AMQP int (section 2.3).
 */
export function handleCbsRequest(request: Message, broker: Broker, connection: CbsConnection): Message {
  const properties = asRecord(request.application_properties) ?? {};
  const operation = asString(properties['operation']);
  const fault = operation === undefined ? undefined : broker.faults.take(operation);
  if (fault !== undefined) return cbsReply(fault.statusCode, fault.description ?? fault.condition);
  if (operation !== 'put-token') return cbsReply(501, `The operation '${String(operation)}' is not supported by $cbs.`);
  const name = asString(properties['name']);
  const type = asString(properties['type']);
  const token = asString(request.body);
  if (name === undefined || token === undefined || token.length === 0) {
    return cbsReply(400, 'A put-token request needs a name (audience) and a string token.');
  }
  const audience = parseAudience(name);
  if (audience === undefined) return cbsReply(401, `InvalidAudience: '${name}' is not an sb://<namespace>/<entity> audience.`);
  if (audience.host !== connection.namespaceHost) {
    return cbsReply(401, `InvalidAudience: '${name}' names the host '${audience.host}', not this namespace ('${connection.namespaceHost}').`);
  }
  if (audience.path !== '' && broker.namespace.resolve(audience.path) === undefined) {
    return cbsReply(404, `The messaging entity '${name}' could not be found.`);
  }
  const now = broker.now();
  if (type === 'jwt') {
    const grant = broker.validateJwt?.(token, name);
    if (grant === undefined) {
      return cbsReply(401, broker.validateJwt === undefined ? 'JWT tokens are not accepted by this broker (no validateJwt option); use a SAS token.' : 'The JWT was refused.');
    }
    if (!(grant.expiresAtMs > now)) return cbsReply(401, 'ExpiredToken: The token is expired.');
    connection.authorise(audience.path, grant.expiresAtMs, new Set(grant.rights));
    return cbsReply(202, 'Accepted');
  }
  if (type !== SAS_TOKEN_TYPE) return cbsReply(400, `Unsupported token type '${String(type)}'.`);
  const verdict = verifySasToken(token, audience, broker.sasKeys, now);
  if (!verdict.valid) return cbsReply(401, verdict.reason);
  connection.authorise(audience.path, verdict.expiresAt, verdict.rights);
  return cbsReply(202, 'Accepted');
}

function cbsReply(statusCode: number, description: string): Message {
  return {
    application_properties: { 'status-code': types.wrap_int(statusCode), 'status-description': description },
  } as unknown as Message;
}
