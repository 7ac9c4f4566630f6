import { EmulatorConfigError } from './EmulatorConfigError';
import {
  arrayAt,
  duplicateDetection,
  entityNameAt,
  fields,
  objectAt,
  optional,
  positiveDurationAt,
  propertiesOf,
  required,
  storeProperties,
  TIME_SPAN_MAX_MS,
  type Parsed,
  type Warn,
} from './configFields';
import { parseRuleConfig } from './parseRuleConfig';
import type { RuleOptions, SubscriptionOptions, TopicOptions } from './TopicOptions';

const TOPIC_KEYS = ['Name', 'Properties', 'Subscriptions'] as const;
const TOPIC_PROPERTY_KEYS = ['DefaultMessageTimeToLive', 'DuplicateDetectionHistoryTimeWindow', 'RequiresDuplicateDetection'] as const;
const SUBSCRIPTION_KEYS = ['Name', 'Properties', 'Rules'] as const;
const SUBSCRIPTION_PROPERTY_KEYS = [
  'RequiresSession',
  'LockDuration',
  'MaxDeliveryCount',
  'DefaultMessageTimeToLive',
  'DeadLetteringOnMessageExpiration',
  'ForwardTo',
  'ForwardDeadLetteredMessagesTo',
] as const;

/** A topic parsed from the file, with the `Properties` path of each subscription (for forwarding errors). */
export type ParsedTopic = Parsed<TopicOptions & { readonly subscriptionPaths: readonly string[] }>;

/**
 * One `Namespaces[].Topics[]` entry with its subscriptions and their rules.
 * @throws EmulatorConfigError naming the JSON path of the first bad value.
 */
export function parseTopicConfig(value: unknown, path: string, warn: Warn): ParsedTopic {
  const topic = fields(objectAt(value, path), path, TOPIC_KEYS, warn);
  const { name, namePath } = entityNameAt(required(topic, 'Name', path), 'topic');
  const props = propertiesOf(topic, TOPIC_PROPERTY_KEYS, warn);
  const ttl = optional(props, 'DefaultMessageTimeToLive', positiveDurationAt);
  const subscriptionsField = topic.get('Subscriptions');
  const subscriptions: SubscriptionOptions[] = [];
  const subscriptionPaths: string[] = [];
  const seen = new Map<string, string>();
  if (subscriptionsField !== undefined) {
    arrayAt(subscriptionsField.value, subscriptionsField.path).forEach((subscriptionValue, s) => {
      const parsed = parseSubscription(subscriptionValue, `${subscriptionsField.path}[${s}]`, warn);
      const key = parsed.options.name.toLowerCase();
      const first = seen.get(key);
      if (first !== undefined) {
        throw new EmulatorConfigError(parsed.namePath, `duplicate subscription name '${parsed.options.name}' in topic '${name}' (first defined at ${first})`);
      }
      seen.set(key, parsed.namePath);
      subscriptions.push(parsed.options);
      subscriptionPaths.push(parsed.propertiesPath);
    });
  }
  const options: ParsedTopic['options'] = {
    name,
    ...duplicateDetection(props),
    ...(ttl === undefined || ttl >= TIME_SPAN_MAX_MS ? {} : { defaultMessageTimeToLiveMs: ttl }),
    subscriptions,
    subscriptionPaths,
  };
  return { options, namePath, propertiesPath: `${path}.Properties` };
}

function parseSubscription(value: unknown, path: string, warn: Warn): Parsed<SubscriptionOptions> {
  const subscription = fields(objectAt(value, path), path, SUBSCRIPTION_KEYS, warn);
  const { name, namePath } = entityNameAt(required(subscription, 'Name', path), 'subscription');
  const props = propertiesOf(subscription, SUBSCRIPTION_PROPERTY_KEYS, warn);
  const rulesField = subscription.get('Rules');
  const rules: RuleOptions[] = [];
  const seen = new Map<string, string>();
  if (rulesField !== undefined) {
    arrayAt(rulesField.value, rulesField.path).forEach((ruleValue, r) => {
      const rule = parseRuleConfig(ruleValue, `${rulesField.path}[${r}]`, warn);
      const key = rule.options.name.toLowerCase();
      const first = seen.get(key);
      if (first !== undefined) throw new EmulatorConfigError(rule.namePath, `duplicate rule name '${rule.options.name}' (first defined at ${first})`);
      seen.set(key, rule.namePath);
      rules.push(rule.options);
    });
  }
  const options: SubscriptionOptions = { name, ...storeProperties(props), ...(rules.length === 0 ? {} : { rules }) };
  return { options, namePath, propertiesPath: `${path}.Properties` };
}

