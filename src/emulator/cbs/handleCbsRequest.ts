import type { Message } from 'rhea';
import type { Broker } from '../Broker';
import type { BrokerConnection } from '../connection/BrokerConnection';
import { audiencePath } from '../entities/Namespace';
import { types } from '../rhea/codec';
import { asRecord, asString } from '../wire/values';
import { verifySasToken } from './verifySasToken';

const SAS_TOKEN_TYPE = 'servicebus.windows.net:sastoken';

/**
 * Answers a `$cbs` request. `put-token` for a known entity (or the namespace) with a valid token authorises
 * the audience on this connection: SAS tokens are verified against the broker's key (wrong key or expired
 * → 401), `jwt` tokens are accepted when non-empty (there is no identity provider to check them against)
 * and stay valid for the connection's lifetime. An unknown entity → 404 with the Service Bus description
 * the SDKs map to `MessagingEntityNotFound`. Replies carry `status-code` as an AMQP int (section 2.3).
 */
export function handleCbsRequest(request: Message, broker: Broker, connection: BrokerConnection): Message {
  const properties = asRecord(request.application_properties) ?? {};
  const operation = asString(properties['operation']);
  const fault = operation === undefined ? undefined : broker.faults.take(operation);
  if (fault !== undefined) return cbsReply(fault.statusCode, fault.description ?? fault.condition);
  if (operation !== 'put-token') return cbsReply(501, `The operation '${String(operation)}' is not supported by $cbs.`);
  const audience = asString(properties['name']);
  const type = asString(properties['type']);
  const token = asString(request.body);
  if (audience === undefined || token === undefined || token.length === 0) {
    return cbsReply(400, 'A put-token request needs a name (audience) and a string token.');
  }
  const path = audiencePath(audience);
  if (path !== '' && broker.namespace.resolve(path) === undefined) {
    return cbsReply(404, `The messaging entity '${audience}' could not be found.`);
  }
  const now = broker.now();
  if (type === 'jwt') {
    connection.authorise(path, Number.POSITIVE_INFINITY);
    return cbsReply(202, 'Accepted');
  }
  if (type !== SAS_TOKEN_TYPE) return cbsReply(400, `Unsupported token type '${String(type)}'.`);
  const verdict = verifySasToken(token, audience, broker.sasKey.keyName, broker.sasKey.key, now);
  if (!verdict.valid) return cbsReply(401, verdict.reason);
  connection.authorise(path, verdict.expiresAt);
  return cbsReply(202, 'Accepted');
}

function cbsReply(statusCode: number, description: string): Message {
  return {
    application_properties: { 'status-code': types.wrap_int(statusCode), 'status-description': description },
  } as unknown as Message;
}
