import type { Broker } from '../Broker';
import { hasRight } from '../cbs/SasKeyring';
import { rightFor } from '../cbs/operationRights';
import type { SasRight } from '../config/EmulatorOptions';
import type { ResolvedEntity } from '../entities/Namespace';
import { RenewAnswer } from './RenewAnswer';
import { readRenewRequest } from './readRenewRequest';

const RENEW = 'com.microsoft:renew-session-lock';
const RENEW_RIGHT = rightFor(RENEW);

/**
 * The renewal `bytes` ask for, read without decoding the message ({@link readRenewRequest}), when it will
 * succeed: the connection has the right, no fault is armed for it, the entity is a live session queue
 * and `owner` holds the session (through the link the request names). `undefined` otherwise — any other
 * request or outcome — and `handleManagementRequest` answers it: every refusal and error comes from there.
 * Changes nothing.
 */
export function renewFromBytes(bytes: Buffer, entity: ResolvedEntity, broker: Broker, owner: object, granted: ReadonlySet<SasRight> | undefined): RenewAnswer | undefined {
  const request = readRenewRequest(bytes);
  if (request === undefined) return undefined;
  if (granted !== undefined && !hasRight(granted, RENEW_RIGHT)) return undefined;
  if (broker.faults.armed(RENEW)) return undefined;
  const queue = entity.queue;
  if (queue === undefined || queue.deleted || !queue.requiresSession) return undefined;
  const session = queue.sessions.heldBy(request.sessionId, owner, request.associatedLinkName);
  if (session === undefined) return undefined;
  return new RenewAnswer(request.replyTo, request.messageId, queue, session, broker);
}
