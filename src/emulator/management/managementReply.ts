import type { Message } from 'rhea';
import { types } from '../rhea/codec';

/**
 * A `$management` reply: `statusCode` (AMQP int), `statusDescription`, on failure `errorCondition`
 * (symbol), and `body`. The request-response link sets its `correlation_id`.
 */
export function managementReply(statusCode: number, description: string, body: object, condition?: string): Message {
  const applicationProperties: Record<string, unknown> = { statusCode: types.wrap_int(statusCode), statusDescription: description };
  if (condition !== undefined) applicationProperties['errorCondition'] = types.wrap_symbol(condition);
  return { application_properties: applicationProperties, body } as unknown as Message;
}
