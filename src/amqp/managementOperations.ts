import { randomUUID } from 'node:crypto';
import { map, type Observable } from 'rxjs';
import { message as rheaMessage, types, type Message } from 'rhea-promise';
import { ServiceBusRxError } from '../errors';
import { wrapLong } from './amqpLong';
import { lockTokenToUuid, uuidToString } from './lockToken';
import { managementRequestMessage } from './managementRequestMessage';
import { bodyTimestampAt, timestampAt } from './readReply';
import type { ReplyBodyReader, RequestResponseLink } from './RequestResponseLink';
import { RenewRequestEncoder } from './RenewRequestEncoder';

/** What identifies a session-scoped management request. */
export interface SessionRequestScope {
  readonly sessionId: string;
  /** The session receiver's link name (`associated-link-name`), when the request relates to it. */
  readonly associatedLinkName?: string | undefined;
}

const UUID_ARRAY = 0x98;
const LONG_ARRAY = 0x81;

function request(link: RequestResponseLink, operation: string, body: Record<string, unknown>, scope: SessionRequestScope): Observable<Message> {
  return link.request(managementRequestMessage(operation, body, scope.associatedLinkName), { sessionId: scope.sessionId });
}

function bodyMap(reply: Message, operation: string): Record<string, unknown> {
  const body: unknown = reply.body;
  if (typeof body !== 'object' || body === null) {
    throw new ServiceBusRxError(`The broker's ${operation} reply has no body map.`, { condition: 'amqp:decode-error' });
  }
  return body as Record<string, unknown>;
}

/** The new lock expiry in a `renew-session-lock` reply. @throws ServiceBusRxError when it has none. */
function renewedExpiry(reply: Message): Date {
  const expiration = bodyMap(reply, 'renew-session-lock')['expiration'];
  const date = expiration instanceof Date ? expiration : typeof expiration === 'number' ? new Date(expiration) : undefined;
  if (!date || Number.isNaN(date.getTime())) {
    throw new ServiceBusRxError("The broker's renew-session-lock reply has no valid expiration.", { condition: 'amqp:decode-error' });
  }
  return date;
}

/** `renew-session-lock`: emits the new lock expiry. */
export function renewSessionLock(link: RequestResponseLink, scope: SessionRequestScope): Observable<Date> {
  return request(link, 'renew-session-lock', { 'session-id': scope.sessionId }, scope).pipe(map(renewedExpiry));
}

/**
 * `renew-session-lock` without an Observable (auto-renewal of thousands of sessions): calls `done`
 * once with the new expiry or the failure. Returns the cancellation (then `done` is not called). The
 * reply's expiry is read straight from its bytes (rhea decodes a reply of another form).
 */
export function sendRenewSessionLock(link: RequestResponseLink, scope: SessionRequestScope, done: (error: unknown, lockedUntil: Date | undefined) => void): () => void {
  const encoder = renewEncoder(link);
  const encode = (messageId: string, replyTo: string): Buffer => encoder.encode(messageId, replyTo, randomUUID(), scope.sessionId, scope.associatedLinkName);
  return link.sendEncoded<Date>(
    encode,
    { sessionId: scope.sessionId },
    (error, reply) => {
      if (error !== undefined) return done(error, undefined);
      if (reply instanceof Date) return done(undefined, reply);
      let expiry: Date;
      try {
        expiry = renewedExpiry(reply as Message);
      } catch (err) {
        return done(err, undefined);
      }
      done(undefined, expiry);
    },
    readExpiry,
  );
}

/**
 * The `expiration` of a successful `renew-session-lock` reply, from its bytes: `undefined` when it is not
 * a valid timestamp there (rhea then decodes the reply).
 */
const readExpiry: ReplyBodyReader<Date> = {
  locate: (bytes, bodyAt) => bodyTimestampAt(bytes, bodyAt, 'expiration'),
  width: 8,
  read(bytes, at) {
    const date = timestampAt(bytes, at);
    return Number.isNaN(date.getTime()) ? undefined : date;
  },
};

/** Each management link's `renew-session-lock` encoder (held as long as the link). */
const renewEncoders = new WeakMap<RequestResponseLink, RenewRequestEncoder>();

function renewEncoder(link: RequestResponseLink): RenewRequestEncoder {
  let encoder = renewEncoders.get(link);
  if (encoder === undefined) {
    encoder = new RenewRequestEncoder();
    renewEncoders.set(link, encoder);
  }
  return encoder;
}

/** `get-session-state`: emits the stored bytes, or `null` when unset. */
export function getSessionState(link: RequestResponseLink, scope: SessionRequestScope): Observable<Buffer | null> {
  return request(link, 'get-session-state', { 'session-id': scope.sessionId }, scope).pipe(
    map((reply) => {
      const state = bodyMap(reply, 'get-session-state')['session-state'];
      if (state === null || state === undefined) return null;
      if (Buffer.isBuffer(state)) return state;
      if (state instanceof Uint8Array) return Buffer.from(state.buffer, state.byteOffset, state.byteLength);
      if (typeof state === 'string') return Buffer.from(state, 'utf8');
      throw new ServiceBusRxError("The broker's get-session-state reply holds no binary state.", { condition: 'amqp:decode-error' });
    }),
  );
}

/** `set-session-state`: stores `state` as binary, or clears it with AMQP null. */
export function setSessionState(link: RequestResponseLink, scope: SessionRequestScope, state: Buffer | null): Observable<void> {
  return request(link, 'set-session-state', { 'session-id': scope.sessionId, 'session-state': state }, scope).pipe(map(() => undefined));
}

/**
 * `peek-message` (session-scoped): emits the decoded messages from `fromSequenceNumber` on, at most
 * `count`; `[]` when there are none (204, or `com.microsoft:message-not-found`).
 */
export function peekMessages(link: RequestResponseLink, scope: SessionRequestScope, fromSequenceNumber: bigint, count: number): Observable<Message[]> {
  return request(
    link,
    'peek-message',
    { 'from-sequence-number': wrapLong(fromSequenceNumber), 'message-count': types.wrap_int(count), 'session-id': scope.sessionId },
    scope,
  ).pipe(
    map((reply) => {
      const status = Number(reply.application_properties?.['statusCode'] ?? reply.application_properties?.['status-code']);
      if (status === 204) return [];
      return decodeMessageList(bodyMap(reply, 'peek-message')['messages']).map((entry) => entry.message);
    }),
  );
}

/** A message returned by a management operation, with its lock token when it has one. */
export interface ManagedMessage {
  readonly message: Message;
  readonly lockToken: string | undefined;
}

/** `receive-by-sequence-number` (deferred messages): emits the messages, locked unless `receiveAndDelete`. */
export function receiveBySequenceNumber(
  link: RequestResponseLink,
  scope: SessionRequestScope,
  sequenceNumbers: readonly bigint[],
  receiveAndDelete: boolean,
): Observable<ManagedMessage[]> {
  const longs = sequenceNumbers.map((n) => {
    const b = Buffer.allocUnsafe(8);
    b.writeBigInt64BE(n, 0);
    return b;
  });
  return request(
    link,
    'receive-by-sequence-number',
    {
      'sequence-numbers': types.wrap_array(longs, LONG_ARRAY, undefined),
      'receiver-settle-mode': types.wrap_uint(receiveAndDelete ? 0 : 1),
      'session-id': scope.sessionId,
    },
    scope,
  ).pipe(map((reply) => decodeMessageList(bodyMap(reply, 'receive-by-sequence-number')['messages'])));
}

/** Disposition names `update-disposition` takes (sic: `defered`). */
export type DispositionStatus = 'completed' | 'abandoned' | 'defered' | 'suspended';

/** `update-disposition`: settles messages received by sequence number. */
export function updateDisposition(
  link: RequestResponseLink,
  scope: SessionRequestScope,
  lockTokens: readonly string[],
  status: DispositionStatus,
  extra: { deadLetterReason?: string | undefined; deadLetterDescription?: string | undefined; propertiesToModify?: Readonly<Record<string, unknown>> | undefined } = {},
): Observable<void> {
  const body: Record<string, unknown> = {
    'lock-tokens': types.wrap_array(lockTokens.map(lockTokenToUuid), UUID_ARRAY, undefined),
    'disposition-status': status,
    'session-id': scope.sessionId,
  };
  if (extra.deadLetterReason !== undefined) body['deadletter-reason'] = extra.deadLetterReason;
  if (extra.deadLetterDescription !== undefined) body['deadletter-description'] = extra.deadLetterDescription;
  if (extra.propertiesToModify !== undefined) body['properties-to-modify'] = extra.propertiesToModify;
  return request(link, 'update-disposition', body, scope).pipe(map(() => undefined));
}

function decodeMessageList(list: unknown): ManagedMessage[] {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) {
    throw new ServiceBusRxError("The broker's reply has a 'messages' entry that is not a list.", { condition: 'amqp:decode-error' });
  }
  return list.map((entry: unknown) => {
    const e = entry as Record<string, unknown> | null;
    const bytes = e?.['message'];
    if (!Buffer.isBuffer(bytes)) {
      throw new ServiceBusRxError("The broker's reply has a message entry without binary 'message'.", { condition: 'amqp:decode-error' });
    }
    return { message: rheaMessage.decode(bytes) as unknown as Message, lockToken: uuidToString(e?.['lock-token']) };
  });
}
