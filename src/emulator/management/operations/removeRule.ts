import { Conditions } from '../../wire/conditions';
import { asString } from '../../wire/values';
import { ManagementError } from '../ManagementError';
import { subscriptionOf, type Operation } from '../OperationContext';

/** `com.microsoft:remove-rule` (on a subscription): removes `rule-name`; 404 `amqp:not-found` when there is none
 * (the SDK maps the "messaging entity … could not be found" description to `MessagingEntityNotFound`). */
export const removeRule: Operation = (context) => {
  const subscription = subscriptionOf(context);
  const name = asString(context.body['rule-name']);
  if (name === undefined || name === '') throw ManagementError.argument('rule-name', 'must be a non-empty string');
  if (!subscription.deleteRule(name)) throw new ManagementError(404, Conditions.notFound, `The messaging entity '${subscription.queue.name}/Rules/${name}' could not be found.`);
  return { body: {} };
};
