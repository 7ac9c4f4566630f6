import type { Message } from 'rhea';
import type { Broker } from '../Broker';
import { describe } from '../Broker';
import type { ResolvedEntity } from '../entities/Namespace';
import { Conditions } from '../wire/conditions';
import { managementReply as reply } from './managementReply';
import { asRecord, asString } from '../wire/values';
import { hasRight } from '../cbs/SasKeyring';
import { rightFor } from '../cbs/operationRights';
import type { SasRight } from '../config/EmulatorOptions';
import { ManagementError } from './ManagementError';
import type * as ManagementOperations from './operations';

let table: typeof ManagementOperations.operations | undefined;
/** The operations, loaded on the first request: the broker listens without their modules (cold start). */
function operations(): typeof ManagementOperations.operations {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (table ??= (require('./operations') as typeof ManagementOperations).operations);
}

/**
 * Answers a request on `<entity>/$management`: runs the named operation (or an injected fault) and builds
 * the reply: `statusCode` (AMQP int), `statusDescription`, and on failure `errorCondition` (symbol); the
 * body is always a map. Unknown operations → 501 `amqp:not-implemented`. With `granted` (the rights the
 * connection's tokens give on this entity), an operation needing another right → 401 `amqp:unauthorized-access`.
 */
export function handleManagementRequest(request: Message, entity: ResolvedEntity, broker: Broker, owner: object, granted?: ReadonlySet<SasRight>): Message {
  const properties = asRecord(request.application_properties) ?? {};
  const operation = asString(properties['operation']);
  if (operation === undefined) return errorReply(400, Conditions.argumentError, "The request has no 'operation' application property.");
  if (granted !== undefined && !hasRight(granted, rightFor(operation))) {
    return errorReply(401, Conditions.unauthorizedAccess, `Unauthorized access. '${rightFor(operation)}' claim(s) are required to perform '${operation}'.`);
  }
  const fault = broker.faults.take(operation);
  if (fault !== undefined) return errorReply(fault.statusCode, fault.condition, fault.description ?? `Injected fault for ${operation}.`);
  if ((entity.queue ?? entity.sink)?.deleted === true) return errorReply(404, Conditions.notFound, 'The messaging entity could not be found: it was deleted.');
  const run = operations().get(operation);
  if (run === undefined) return errorReply(501, Conditions.notImplemented, `The operation '${operation}' is not implemented by the emulator.`);
  try {
    const result = run({
      queue: entity.queue,
      sink: entity.sink,
      subscription: entity.subscription,
      services: broker,
      owner,
      body: asRecord(request.body) ?? {},
      associatedLinkName: asString(properties['associated-link-name']),
      now: broker.now(),
    });
    const statusCode = result.statusCode ?? 200;
    return reply(statusCode, statusCode === 204 ? 'No Content' : 'OK', result.body);
  } catch (error: unknown) {
    if (error instanceof ManagementError) return errorReply(error.statusCode, error.condition, error.message);
    broker.warn(`$management ${operation} failed: ${describe(error)}`);
    return errorReply(500, Conditions.internalError, `The operation '${operation}' failed inside the emulator.`);
  }
}

function errorReply(statusCode: number, condition: string, description: string): Message {
  return reply(statusCode, description, {}, condition);
}
