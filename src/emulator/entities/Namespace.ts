import type { BrokerServices } from '../BrokerServices';
import type { QueueOptions } from '../config/EmulatorOptions';
import { forwardingProblem, type ForwardingGraph } from '../config/forwardingProblem';
import type { RuleOptions, SubscriptionOptions, TopicOptions } from '../config/TopicOptions';
import { compileRule } from '../filters/compileRule';
import { DEFAULT_RULE_NAME, type Rule } from '../filters/Rule';
import { RuleCompileError } from '../filters/RuleCompileError';
import { Conditions, type AmqpError } from '../wire/conditions';
import { EntityAlreadyExistsError } from './EntityAlreadyExistsError';
import { EntityNotFoundError } from './EntityNotFoundError';
import { EntityOptionsError } from './EntityOptionsError';
import type { ForwardingRouter, MessageSink } from './MessageSink';
import { Queue } from './Queue';
import {
  resolveQueueOptions,
  resolveSubscriptionOptions,
  resolveTopicOptions,
  subscriptionPath,
  type ResolvedQueueOptions,
} from './ResolvedQueueOptions';
import { Subscription } from './Subscription';
import { Topic } from './Topic';

/** What an address or audience names. */
export interface ResolvedEntity {
  /** The queue, subscription or dead-letter queue receivers take from; `undefined` for a topic. */
  readonly queue: Queue | undefined;
  /** The queue or topic senders send to; `undefined` for a subscription or dead-letter queue. */
  readonly sink: MessageSink | undefined;
  /** The topic, when the address names a topic itself. */
  readonly topic: Topic | undefined;
  /** The subscription, when the address names one (not its dead-letter queue). */
  readonly subscription?: Subscription | undefined;
  /** True for the entity's `$management` node. */
  readonly management: boolean;
}

/** Every entity of a namespace, as given to {@link Namespace.createAll}. */
export interface NamespaceEntities {
  readonly queues?: readonly QueueOptions[];
  readonly topics?: readonly TopicOptions[];
}

const DEAD_LETTER_SUFFIX = '/$deadletterqueue';
const MANAGEMENT_SUFFIX = '/$management';
const SUBSCRIPTIONS_SEGMENT = '/subscriptions/';
const gone = (path: string): AmqpError => ({ condition: Conditions.notFound, description: `The messaging entity '${path}' could not be found: it was deleted.` });

/**
 * The broker's entities: queues, topics, their subscriptions and rules, found by name case-insensitively,
 * and changeable at runtime (create / get / list / update / delete). Queue and topic names share one
 * space. Every subscription and queue has a dead-letter queue.
 *
 * Errors: {@link EntityNotFoundError} (no such entity, or a forwarding target that does not exist),
 * {@link EntityAlreadyExistsError}, {@link EntityOptionsError} (a bad option, naming it; a forwarding
 * loop; a SQL expression that does not compile). A deleted queue or subscription detaches its receivers
 * with `amqp:not-found` and drops its messages.
 */
export class Namespace implements ForwardingRouter {
  private readonly queueMap = new Map<string, Queue>();
  private readonly topicMap = new Map<string, Topic>();

  constructor(private readonly services: BrokerServices) {}

  /**
   * Creates many entities at once (start-up): forwarding targets may come later in the lists; forwarding
   * is checked over the whole set. Nothing is created when anything is wrong.
   * @throws EntityOptionsError whose `option` is the path in `entities` (`queues[1].lockDurationMs`,
   *   `topics[0].subscriptions[2].rules[0].filter.sqlExpression`, `queues[3].name` for a duplicate name);
   *   EntityAlreadyExistsError when a name is taken by an existing entity.
   */
  createAll(entities: NamespaceEntities): void {
    const queueList = entities.queues ?? [];
    const topicList = entities.topics ?? [];
    if (!Array.isArray(queueList)) throw new EntityOptionsError('', 'queues', 'must be an array of queue options');
    if (!Array.isArray(topicList)) throw new EntityOptionsError('', 'topics', 'must be an array of topic options');
    const queues = queueList.map((options, index) => prefixed(`queues[${index}]`, () => resolveQueueOptions(options)));
    const topics = topicList.map((options, index) => prefixed(`topics[${index}]`, () => this.resolveTopic(options)));
    const names = new Map<string, string>();
    const claim = (name: string, at: string): void => {
      const key = name.toLowerCase();
      const first = names.get(key);
      if (first !== undefined) throw new EntityOptionsError(name, `${at}.name`, `'${name}' is defined twice (names are case-insensitive; first at ${first})`);
      names.set(key, at);
      if (this.queueMap.has(key)) throw new EntityAlreadyExistsError(name, 'queue');
      if (this.topicMap.has(key)) throw new EntityAlreadyExistsError(name, 'topic');
    };
    queues.forEach((queue, index) => claim(queue.name, `queues[${index}]`));
    topics.forEach((topic, index) => claim(topic.options.name, `topics[${index}]`));
    const graph = this.graph();
    const problem = forwardingProblem(
      {
        queues: [...graph.queues, ...queues],
        topics: [...graph.topics, ...topics.map((t) => ({ name: t.options.name, subscriptions: t.subscriptions.map((s) => s.options) }))],
      },
      (kind, index) => (kind === 'queue' ? index >= graph.queues.length : index >= graph.topics.length),
    );
    if (problem !== undefined) {
      const at =
        problem.kind === 'queue'
          ? `queues[${problem.index - graph.queues.length}].${problem.option}`
          : `topics[${problem.index - graph.topics.length}].subscriptions[${problem.subscriptionIndex}].${problem.option}`;
      throw new EntityOptionsError('', at, problem.problem);
    }
    for (const options of queues) this.queueMap.set(options.name.toLowerCase(), Queue.withDeadLetterQueue(options, this.services, this));
    for (const resolved of topics) this.addTopic(resolved);
  }

  // ------------------------------------------------------------------ lookups

  /** Every queue (not dead-letter queues), in creation order. */
  get queues(): readonly Queue[] {
    return [...this.queueMap.values()];
  }

  /** Every topic, in creation order. */
  get topics(): readonly Topic[] {
    return [...this.topicMap.values()];
  }

  /** @inheritdoc */
  sink(name: string): MessageSink | undefined {
    const key = name.toLowerCase();
    return this.queueMap.get(key) ?? this.topicMap.get(key);
  }

  /**
   * Resolves a link address: `<queue>`, `<topic>`, `<topic>/Subscriptions/<name>`, each but the topic
   * optionally followed by `/$DeadLetterQueue`, any of them followed by `/$management` (all
   * case-insensitive), optionally after one `/`. Returns `undefined` for anything else (`q/` and `q//`
   * name no entity, as in Service Bus).
   */
  resolve(address: string): ResolvedEntity | undefined {
    let path = (address.startsWith('/') ? address.slice(1) : address).toLowerCase();
    const management = path.endsWith(MANAGEMENT_SUFFIX);
    if (management) path = path.slice(0, -MANAGEMENT_SUFFIX.length);
    const deadLetter = path.endsWith(DEAD_LETTER_SUFFIX);
    if (deadLetter) path = path.slice(0, -DEAD_LETTER_SUFFIX.length);
    const split = path.indexOf(SUBSCRIPTIONS_SEGMENT);
    let queue: Queue | undefined;
    let subscription: Subscription | undefined;
    if (split > 0) {
      const topic = this.topicMap.get(path.slice(0, split));
      subscription = topic?.subscriptions.get(path.slice(split + SUBSCRIPTIONS_SEGMENT.length));
      queue = subscription?.queue;
    } else {
      queue = this.queueMap.get(path);
      if (queue === undefined && !deadLetter) {
        const topic = this.topicMap.get(path);
        return topic === undefined ? undefined : { queue: undefined, sink: topic, topic, management };
      }
    }
    if (queue === undefined) return undefined;
    if (deadLetter) return { queue: queue.deadLetterQueue ?? queue, sink: undefined, topic: undefined, management };
    return { queue, sink: split > 0 ? undefined : queue, topic: undefined, subscription, management };
  }

  // ------------------------------------------------------------------ queues

  /** @throws EntityNotFoundError */
  getQueue(name: string): Queue {
    const queue = this.queueMap.get(name.toLowerCase());
    if (queue === undefined) throw new EntityNotFoundError(name, 'queue');
    return queue;
  }

  /** Creates a queue (and its DLQ). @throws EntityAlreadyExistsError, EntityOptionsError, EntityNotFoundError (forwarding target) */
  createQueue(options: QueueOptions): Queue {
    const resolved = resolveQueueOptions(options);
    this.checkNameFree(resolved.name);
    this.checkForwarding(resolved, resolved.name, resolved.name);
    const queue = Queue.withDeadLetterQueue(resolved, this.services, this);
    this.queueMap.set(resolved.name.toLowerCase(), queue);
    return queue;
  }

  /**
   * Changes a queue's options: the given ones replace the current ones (`forwardTo: ''` removes
   * forwarding); `requiresSession` cannot change.
   * @throws EntityNotFoundError, EntityOptionsError
   */
  updateQueue(name: string, changes: Partial<Omit<QueueOptions, 'name'>>): Queue {
    const queue = this.getQueue(name);
    const resolved = resolveQueueOptions({ ...fromResolved(queue.options), ...changes, name: queue.name });
    if (resolved.requiresSession !== queue.requiresSession) throw new EntityOptionsError(queue.name, 'requiresSession', 'cannot be changed after creation');
    this.checkForwarding(resolved, queue.name, queue.name);
    queue.update(resolved);
    return queue;
  }

  /** Deletes a queue: its receivers are detached (`amqp:not-found`), its messages dropped. @throws EntityNotFoundError */
  deleteQueue(name: string): void {
    const queue = this.getQueue(name);
    this.queueMap.delete(queue.name.toLowerCase());
    queue.close(gone(queue.name));
  }

  // ------------------------------------------------------------------ topics

  /** @throws EntityNotFoundError */
  getTopic(name: string): Topic {
    const topic = this.topicMap.get(name.toLowerCase());
    if (topic === undefined) throw new EntityNotFoundError(name, 'topic');
    return topic;
  }

  /** Creates a topic with the subscriptions (and rules) it lists. @throws EntityAlreadyExistsError, EntityOptionsError, EntityNotFoundError */
  createTopic(options: TopicOptions): Topic {
    const resolved = this.resolveTopic(options);
    this.checkNameFree(resolved.options.name);
    const graph = this.graph();
    const topics = [...graph.topics, { name: resolved.options.name, subscriptions: resolved.subscriptions.map((s) => s.options) }];
    const problem = forwardingProblem({ queues: graph.queues, topics }, (kind, index) => kind === 'subscription' && index === topics.length - 1);
    if (problem !== undefined) throw new EntityOptionsError(resolved.options.name, `subscriptions[${problem.subscriptionIndex}].${problem.option}`, problem.problem);
    return this.addTopic(resolved);
  }

  /** Changes a topic's own options (TTL, duplicate detection). @throws EntityNotFoundError, EntityOptionsError */
  updateTopic(name: string, changes: Partial<Omit<TopicOptions, 'name' | 'subscriptions'>>): Topic {
    const topic = this.getTopic(name);
    const current = topic.options;
    topic.update(
      resolveTopicOptions({
        name: topic.name,
        requiresDuplicateDetection: current.requiresDuplicateDetection,
        duplicateDetectionHistoryTimeWindowMs: current.duplicateDetectionHistoryTimeWindowMs,
        ...(Number.isFinite(current.defaultMessageTimeToLiveMs) ? { defaultMessageTimeToLiveMs: current.defaultMessageTimeToLiveMs } : {}),
        ...changes,
      }),
    );
    return topic;
  }

  /** Deletes a topic and its subscriptions (their receivers detached, messages dropped). @throws EntityNotFoundError */
  deleteTopic(name: string): void {
    const topic = this.getTopic(name);
    this.topicMap.delete(topic.name.toLowerCase());
    topic.close(gone(topic.name));
  }

  // ------------------------------------------------------------------ subscriptions

  /** The topic's subscriptions in creation order. @throws EntityNotFoundError */
  listSubscriptions(topic: string): readonly Subscription[] {
    return [...this.getTopic(topic).subscriptions.values()];
  }

  /** @throws EntityNotFoundError (topic or subscription) */
  getSubscription(topic: string, name: string): Subscription {
    const owner = this.getTopic(topic);
    const subscription = owner.subscriptions.get(name.toLowerCase());
    if (subscription === undefined) throw new EntityNotFoundError(subscriptionPath(owner.name, name), 'subscription');
    return subscription;
  }

  /** Creates a subscription (with `$Default` when it lists no rules). @throws EntityNotFoundError, EntityAlreadyExistsError, EntityOptionsError */
  createSubscription(topic: string, options: SubscriptionOptions): Subscription {
    const owner = this.getTopic(topic);
    const resolved = this.resolveSubscription(owner.name, options);
    const existing = owner.subscriptions.get(resolved.name.toLowerCase());
    if (existing !== undefined) throw new EntityAlreadyExistsError(existing.queue.name, 'subscription');
    this.checkForwarding(resolved.options, resolved.options.name, owner.name);
    return this.addSubscription(owner, resolved);
  }

  /** Changes a subscription's options (not its rules; `requiresSession` cannot change). @throws EntityNotFoundError, EntityOptionsError */
  updateSubscription(topic: string, name: string, changes: Partial<Omit<SubscriptionOptions, 'name' | 'rules'>>): Subscription {
    const subscription = this.getSubscription(topic, name);
    const queue = subscription.queue;
    const resolved = resolveSubscriptionOptions(subscription.topicName, { ...fromResolved(queue.options), ...changes, name: subscription.name });
    if (resolved.requiresSession !== queue.requiresSession) throw new EntityOptionsError(queue.name, 'requiresSession', 'cannot be changed after creation');
    this.checkForwarding(resolved, queue.name, subscription.topicName);
    queue.update(resolved);
    return subscription;
  }

  /** Deletes a subscription: receivers detached, messages dropped. @throws EntityNotFoundError */
  deleteSubscription(topic: string, name: string): void {
    const subscription = this.getSubscription(topic, name);
    this.getTopic(topic).subscriptions.delete(subscription.name.toLowerCase());
    subscription.queue.close(gone(subscription.queue.name));
  }

  // ------------------------------------------------------------------ rules

  /** A subscription's rules in creation order. @throws EntityNotFoundError */
  listRules(topic: string, subscription: string): readonly Rule[] {
    return this.getSubscription(topic, subscription).rules;
  }

  /** @throws EntityNotFoundError (topic, subscription or rule) */
  getRule(topic: string, subscription: string, name: string): Rule {
    const owner = this.getSubscription(topic, subscription);
    const rule = owner.rule(name);
    if (rule === undefined) throw new EntityNotFoundError(`${owner.queue.name}/Rules/${name}`, 'rule');
    return rule;
  }

  /** Adds a rule; it applies to messages sent from now on. @throws EntityNotFoundError, EntityAlreadyExistsError, EntityOptionsError (bad filter or action) */
  createRule(topic: string, subscription: string, options: RuleOptions): Rule {
    const owner = this.getSubscription(topic, subscription);
    const rule = compiled(options, `${owner.queue.name}/Rules/${String(options?.name)}`);
    if (owner.rule(rule.name) !== undefined) throw new EntityAlreadyExistsError(`${owner.queue.name}/Rules/${rule.name}`, 'rule');
    owner.setRule(rule);
    return rule;
  }

  /** Replaces a rule's filter and action. @throws EntityNotFoundError, EntityOptionsError */
  updateRule(topic: string, subscription: string, name: string, options: Omit<RuleOptions, 'name'>): Rule {
    const owner = this.getSubscription(topic, subscription);
    const current = this.getRule(topic, subscription, name);
    const rule = compiled({ ...options, name: current.name }, `${owner.queue.name}/Rules/${current.name}`);
    owner.setRule(rule);
    return rule;
  }

  /** Deletes a rule; a subscription without rules receives nothing (as in Service Bus). @throws EntityNotFoundError */
  deleteRule(topic: string, subscription: string, name: string): void {
    const owner = this.getSubscription(topic, subscription);
    if (!owner.deleteRule(name)) throw new EntityNotFoundError(`${owner.queue.name}/Rules/${name}`, 'rule');
  }

  // ------------------------------------------------------------------ internals

  private resolveTopic(options: TopicOptions): ResolvedTopic {
    const resolved = resolveTopicOptions(options);
    const list = options.subscriptions ?? [];
    if (!Array.isArray(list)) throw new EntityOptionsError(resolved.name, 'subscriptions', 'must be an array of subscription options');
    const seen = new Set<string>();
    const subscriptions = list.map((subscription, index) => {
      const at = `subscriptions[${index}]`;
      const found = prefixed(at, () => this.resolveSubscription(resolved.name, subscription));
      if (seen.has(found.name.toLowerCase())) throw new EntityOptionsError(resolved.name, `${at}.name`, `'${found.name}' is defined twice (names are case-insensitive)`);
      seen.add(found.name.toLowerCase());
      return found;
    });
    return { options: resolved, subscriptions };
  }

  private resolveSubscription(topic: string, options: SubscriptionOptions): ResolvedSubscription {
    const resolved = resolveSubscriptionOptions(topic, options);
    const list = options.rules ?? [];
    if (!Array.isArray(list)) throw new EntityOptionsError(resolved.name, 'rules', 'must be an array of rule options');
    const rules = (list.length === 0 ? [{ name: DEFAULT_RULE_NAME, filter: { type: 'true' } } as const] : list).map((rule, index) =>
      prefixed(`rules[${index}]`, () => compiled(rule, resolved.name)),
    );
    const names = new Set<string>();
    for (const [index, rule] of rules.entries()) {
      if (names.has(rule.name.toLowerCase())) throw new EntityOptionsError(resolved.name, `rules[${index}].name`, `'${rule.name}' is defined twice`);
      names.add(rule.name.toLowerCase());
    }
    return { name: options.name, options: resolved, rules };
  }

  private addTopic(resolved: ResolvedTopic): Topic {
    const topic = new Topic(resolved.options, this.services);
    this.topicMap.set(resolved.options.name.toLowerCase(), topic);
    for (const subscription of resolved.subscriptions) this.addSubscription(topic, subscription);
    return topic;
  }

  private addSubscription(topic: Topic, resolved: ResolvedSubscription): Subscription {
    const queue = Queue.withDeadLetterQueue(resolved.options, this.services, this);
    const subscription = new Subscription(resolved.name, topic.name, queue, resolved.rules);
    topic.subscriptions.set(resolved.name.toLowerCase(), subscription);
    return subscription;
  }

  private checkNameFree(name: string): void {
    const key = name.toLowerCase();
    if (this.queueMap.has(key)) throw new EntityAlreadyExistsError(name, 'queue');
    if (this.topicMap.has(key)) throw new EntityAlreadyExistsError(name, 'topic');
  }

  /**
   * Checks one queue's or subscription's forwarding against the namespace as it is: the targets exist and
   * `forwardTo` does not lead back to `owner` (the queue itself, or the subscription's topic).
   */
  private checkForwarding(options: ResolvedQueueOptions, entityPath: string, owner: string): void {
    for (const option of ['forwardTo', 'forwardDeadLetteredMessagesTo'] as const) {
      const target = options[option];
      if (target !== undefined && this.sink(target) === undefined) {
        throw new EntityOptionsError(entityPath, option, `the forwarding target '${target}' is not a queue or topic of this namespace`, {
          cause: new EntityNotFoundError(target, 'entity'),
        });
      }
    }
    const graph = this.graph();
    const queues = [...graph.queues.filter((q) => q.name.toLowerCase() !== owner.toLowerCase()), { ...options, name: owner }];
    const problem = forwardingProblem({ queues, topics: graph.topics }, (kind, index) => kind === 'queue' && index === queues.length - 1);
    if (problem !== undefined) throw new EntityOptionsError(entityPath, problem.option, problem.problem);
  }

  /** The forwarding graph of the namespace as it is. */
  private graph(): { queues: (ResolvedQueueOptions & { name: string })[]; topics: ForwardingGraph['topics'][number][] } {
    return {
      queues: this.queues.map((queue) => queue.options),
      topics: this.topics.map((topic) => ({ name: topic.name, subscriptions: [...topic.subscriptions.values()].map((s) => s.queue.options) })),
    };
  }
}

interface ResolvedSubscription {
  readonly name: string;
  readonly options: ResolvedQueueOptions;
  readonly rules: readonly Rule[];
}

interface ResolvedTopic {
  readonly options: ReturnType<typeof resolveTopicOptions>;
  readonly subscriptions: readonly ResolvedSubscription[];
}

/** Current options in the input shape (for updates that change a few of them). */
function fromResolved(options: ResolvedQueueOptions): Omit<QueueOptions, 'name'> {
  return {
    requiresSession: options.requiresSession,
    lockDurationMs: options.lockDurationMs,
    maxDeliveryCount: options.maxDeliveryCount,
    deadLetteringOnMessageExpiration: options.deadLetteringOnMessageExpiration,
    requiresDuplicateDetection: options.requiresDuplicateDetection,
    duplicateDetectionHistoryTimeWindowMs: options.duplicateDetectionHistoryTimeWindowMs,
    ...(Number.isFinite(options.defaultMessageTimeToLiveMs) ? { defaultMessageTimeToLiveMs: options.defaultMessageTimeToLiveMs } : {}),
    ...(options.forwardTo === undefined ? {} : { forwardTo: options.forwardTo }),
    ...(options.forwardDeadLetteredMessagesTo === undefined ? {} : { forwardDeadLetteredMessagesTo: options.forwardDeadLetteredMessagesTo }),
  };
}

/** Compiles a rule; a problem becomes an EntityOptionsError for `entityPath`. */
function compiled(options: RuleOptions, entityPath: string): Rule {
  try {
    return compileRule(options);
  } catch (error: unknown) {
    if (error instanceof RuleCompileError) throw new EntityOptionsError(entityPath, error.option, error.problem, { cause: error.cause ?? error });
    throw error;
  }
}

/** Runs `resolve`, prefixing the option path of an EntityOptionsError with `at`. */
function prefixed<T>(at: string, resolve: () => T): T {
  try {
    return resolve();
  } catch (error: unknown) {
    if (error instanceof EntityOptionsError) throw new EntityOptionsError(error.entityPath, `${at}.${error.option}`, error.problem, { cause: error });
    throw error;
  }
}

/**
 * The entity path of a CBS audience (`sb://host[:port]/<path>`), lower-cased and without slashes at
 * either end; the empty string for the namespace itself.
 */
export function audiencePath(audience: string): string {
  const withoutScheme = audience.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '');
  return withoutScheme.replace(/^\/+|\/+$/g, '').toLowerCase();
}
