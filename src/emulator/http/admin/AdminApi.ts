import type { Broker } from '../../Broker';
import type { QueueOptions } from '../../config/EmulatorOptions';
import type { RuleOptions, SubscriptionOptions, TopicOptions } from '../../config/TopicOptions';
import { EntityAlreadyExistsError } from '../../entities/EntityAlreadyExistsError';
import { EntityNotFoundError } from '../../entities/EntityNotFoundError';
import { EntityOptionsError } from '../../entities/EntityOptionsError';
import { NamespaceError } from '../../entities/NamespaceError';
import type { Queue } from '../../entities/Queue';
import { queueStats } from '../../entities/queueStats';
import type { Rule } from '../../filters/Rule';
import type { Subscription } from '../../entities/Subscription';
import type { Topic } from '../../entities/Topic';
import { AdminError } from './AdminError';
import { atomEntry, atomFeed, errorXml, tag, type AtomEntry } from './atom';
import { authoriseAdminRequest } from './authoriseAdminRequest';
import { EntityRecords } from './EntityRecord';
import { descriptionOf, readQueueDescription, writeQueueDescription } from './queueDescription';
import { readRuleDescription, writeRuleDescription } from './ruleDescription';
import { readSubscriptionDescription, writeSubscriptionDescription } from './subscriptionDescription';
import { readTopicDescription, writeTopicDescription } from './topicDescription';
import { localName, parseXml, XmlError, type XmlElement } from './xml';

/** An administration request as the HTTP side hands it over. */
export interface AdminRequest {
  readonly method: string;
  /** Path and query as sent (`/orders?api-version=2021-05`). */
  readonly url: string;
  /** `Host` header, for the entity ids in responses. */
  readonly host: string;
  readonly authorization: string | undefined;
  /** `If-Match: *` marks an update (PUT without it creates). */
  readonly ifMatch: string | undefined;
  readonly body: string;
}

/** The answer: status and an XML body (empty for a delete). */
export interface AdminResponse {
  readonly status: number;
  readonly body: string;
}

const API_VERSION = 'api-version=2021-05';

/** Where a request points, from its path. */
type Target =
  | { readonly kind: 'namespace' }
  | { readonly kind: 'list'; readonly of: 'queues' | 'topics' }
  | { readonly kind: 'entity'; readonly name: string }
  | { readonly kind: 'subscriptions'; readonly topic: string }
  | { readonly kind: 'subscription'; readonly topic: string; readonly name: string }
  | { readonly kind: 'rules'; readonly topic: string; readonly subscription: string }
  | { readonly kind: 'rule'; readonly topic: string; readonly subscription: string; readonly name: string };

/**
 * The broker's side of the Service Bus ATOM management API that `ServiceBusAdministrationClient` speaks:
 * namespace properties, and get / list / create / update / delete of queues, topics, subscriptions and
 * rules with their runtime counts, on the broker's runtime-mutable namespace (an entity created here
 * behaves exactly like a configured one). Keeps each entity's times and echoed inert settings.
 */
export class AdminApi {
  private readonly records: EntityRecords;
  private readonly startedAt: number;

  constructor(private readonly broker: Broker) {
    this.startedAt = broker.startedAt;
    this.records = new EntityRecords(this.startedAt);
  }

  /**
   * Answers one request. A client's mistake is an answer, never a throw: 400 (malformed XML or settings,
   * with the reason), 401 (token), 404 (no such entity), 405 (method), 409 (create over an existing
   * entity).
   */
  async handle(request: AdminRequest): Promise<AdminResponse> {
    try {
      return this.route(request);
    } catch (error: unknown) {
      const admin = toAdminError(error);
      if (admin !== undefined) return { status: admin.status, body: errorXml(admin.status, admin.detail) };
      throw error;
    }
  }

  private route(request: AdminRequest): AdminResponse {
    const url = new URL(request.url, 'http://emulator');
    const write = request.method === 'PUT' || request.method === 'DELETE';
    const refusal = authoriseAdminRequest(this.broker, request.authorization, url.pathname, request.host, write);
    if (refusal !== undefined) throw new AdminError(401, `Unauthorized: ${refusal}`);
    const target = targetOf(url.pathname);
    const base = `http://${request.host}`;
    switch (target.kind) {
      case 'namespace':
        expectMethod(request, 'GET');
        return this.namespaceInfo(request, base);
      case 'list':
        expectMethod(request, 'GET');
        return target.of === 'queues'
          ? this.page(url, base, '$Resources/Queues', 'Queues', this.broker.namespace.queues, (queue) => this.queueEntry(queue, base, request.host))
          : this.page(url, base, '$Resources/Topics', 'Topics', this.broker.namespace.topics, (topic) => this.topicEntry(topic, base));
      case 'entity':
        return this.entity(request, target.name, base);
      case 'subscriptions': {
        expectMethod(request, 'GET');
        const topic = this.broker.namespace.getTopic(target.topic);
        return this.page(url, base, `${topic.name}/Subscriptions`, 'Subscriptions', [...topic.subscriptions.values()], (s) => this.subscriptionEntry(s, base, request.host));
      }
      case 'subscription':
        return this.subscription(request, target.topic, target.name, base);
      case 'rules': {
        expectMethod(request, 'GET');
        const subscription = this.broker.namespace.getSubscription(target.topic, target.subscription);
        return this.page(url, base, `${subscription.queue.name}/Rules`, 'Rules', subscription.rules, (rule) => this.ruleEntry(subscription, rule, base));
      }
      case 'rule':
        return this.rule(request, target.topic, target.subscription, target.name, base);
    }
  }

  // ------------------------------------------------------------------ namespace and lists

  private namespaceInfo(request: AdminRequest, base: string): AdminResponse {
    const name = request.host.replace(/:\d+$/, '');
    const content =
      `<NamespaceInfo xmlns="http://schemas.microsoft.com/netservices/2010/10/servicebus/connect" xmlns:i="http://www.w3.org/2001/XMLSchema-instance">` +
      `${tag('CreatedTime', new Date(this.startedAt).toISOString())}${tag('MessagingSKU', 'Standard')}${tag('MessagingUnits', 0)}` +
      `${tag('ModifiedTime', new Date(this.startedAt).toISOString())}${tag('Name', name)}${tag('NamespaceType', 'Messaging')}</NamespaceInfo>`;
    return { status: 200, body: atomEntry({ id: `${base}/$namespaceinfo`, title: name, createdAt: this.startedAt, updatedAt: this.startedAt, content }) };
  }

  /** One page of a list (`$skip`, `$top`; default 100), with a `next` link while more remain. */
  private page<T>(url: URL, base: string, path: string, title: string, items: readonly T[], entry: (item: T) => AtomEntry): AdminResponse {
    const skip = nonNegative(url.searchParams.get('$skip'), '$skip') ?? 0;
    const top = nonNegative(url.searchParams.get('$top'), '$top') ?? 100;
    const next = skip + top < items.length ? `${base}/${path}?$skip=${skip + top}&$top=${top}&${API_VERSION}` : undefined;
    return { status: 200, body: atomFeed(`${base}/${path}`, title, this.broker.now(), items.slice(skip, skip + top).map(entry), next) };
  }

  // ------------------------------------------------------------------ queues and topics

  private entity(request: AdminRequest, name: string, base: string): AdminResponse {
    const namespace = this.broker.namespace;
    const queue = namespace.queues.find((q) => q.name.toLowerCase() === name.toLowerCase());
    const topic = queue === undefined ? namespace.topics.find((t) => t.name.toLowerCase() === name.toLowerCase()) : undefined;
    switch (request.method) {
      case 'GET':
        if (queue !== undefined) return entryResponse(200, this.queueEntry(queue, base, request.host));
        if (topic !== undefined) return entryResponse(200, this.topicEntry(topic, base));
        throw notFound(name);
      case 'DELETE':
        if (queue !== undefined) namespace.deleteQueue(queue.name);
        else if (topic !== undefined) namespace.deleteTopic(topic.name);
        else throw notFound(name);
        return { status: 200, body: '' };
      case 'PUT':
        return this.putEntity(request, name, queue, topic, base);
      default:
        throw new AdminError(405, `The method ${request.method} is not supported on an entity.`);
    }
  }

  private putEntity(request: AdminRequest, name: string, queue: Queue | undefined, topic: Topic | undefined, base: string): AdminResponse {
    const description = descriptionIn(request.body);
    const kind = localName(description.name);
    const update = request.ifMatch === '*';
    const now = this.broker.now();
    const namespace = this.broker.namespace;
    if (kind === 'QueueDescription') {
      const { options, inert, userMetadata } = readQueueDescription(description, name);
      if (update && queue === undefined) throw notFound(name);
      const { name: _name, ...changes } = options;
      // An update carries the whole description: forwarding it leaves out is forwarding removed.
      const result = update ? namespace.updateQueue(name, { ...changes, ...noForwardingUnlessGiven(changes) }) : namespace.createQueue(options as QueueOptions);
      this.records.set(result, now, inert, userMetadata);
      return entryResponse(update ? 200 : 201, this.queueEntry(result, base, request.host));
    }
    if (kind === 'TopicDescription') {
      const { spec, inert, userMetadata } = readTopicDescription(description, name);
      if (update && topic === undefined) throw notFound(name);
      const { name: _name, ...changes } = spec;
      const result = update ? namespace.updateTopic(name, changes) : namespace.createTopic(spec as TopicOptions);
      this.records.set(result, now, inert, userMetadata);
      return entryResponse(update ? 200 : 201, this.topicEntry(result, base));
    }
    throw new AdminError(400, `${kind}: expected a QueueDescription or a TopicDescription.`);
  }

  private queueEntry(queue: Queue, base: string, host: string): AtomEntry {
    const record = this.records.of(queue);
    const content = writeQueueDescription(queue.options, record, queueStats(queue), sizeOf(queue), host);
    return { id: `${base}/${encodeURIComponent(queue.name)}?${API_VERSION}`, title: queue.name, createdAt: record.createdAt, updatedAt: record.updatedAt, content };
  }

  private topicEntry(topic: Topic, base: string): AtomEntry {
    const record = this.records.of(topic);
    let size = 0;
    for (const subscription of topic.subscriptions.values()) size += sizeOf(subscription.queue);
    const content = writeTopicDescription(topic.options, record, { sizeInBytes: size, scheduled: topic.scheduledCount, subscriptions: topic.subscriptions.size });
    return { id: `${base}/${encodeURIComponent(topic.name)}?${API_VERSION}`, title: topic.name, createdAt: record.createdAt, updatedAt: record.updatedAt, content };
  }

  // ------------------------------------------------------------------ subscriptions and rules

  private subscription(request: AdminRequest, topicName: string, name: string, base: string): AdminResponse {
    const namespace = this.broker.namespace;
    switch (request.method) {
      case 'GET':
        return entryResponse(200, this.subscriptionEntry(namespace.getSubscription(topicName, name), base, request.host));
      case 'DELETE':
        namespace.deleteSubscription(topicName, name);
        return { status: 200, body: '' };
      case 'PUT': {
        const description = descriptionIn(request.body);
        if (localName(description.name) !== 'SubscriptionDescription') throw new AdminError(400, `${localName(description.name)}: expected a SubscriptionDescription.`);
        const { spec, inert, userMetadata } = readSubscriptionDescription(description, name);
        const update = request.ifMatch === '*';
        let result: Subscription;
        if (update) {
          const { name: _name, rules: _rules, ...changes } = spec;
          result = namespace.updateSubscription(topicName, name, { ...changes, ...noForwardingUnlessGiven(changes) });
        } else {
          result = namespace.createSubscription(topicName, spec as SubscriptionOptions);
        }
        this.records.set(result, this.broker.now(), inert, userMetadata);
        return entryResponse(update ? 200 : 201, this.subscriptionEntry(result, base, request.host));
      }
      default:
        throw new AdminError(405, `The method ${request.method} is not supported on a subscription.`);
    }
  }

  private subscriptionEntry(subscription: Subscription, base: string, host: string): AtomEntry {
    const record = this.records.of(subscription);
    const content = writeSubscriptionDescription(subscription.queue.options, record, queueStats(subscription.queue), host);
    const id = `${base}/${encodeURIComponent(subscription.topicName)}/Subscriptions/${encodeURIComponent(subscription.name)}?${API_VERSION}`;
    return { id, title: subscription.name, createdAt: record.createdAt, updatedAt: record.updatedAt, content };
  }

  private rule(request: AdminRequest, topicName: string, subscriptionName: string, name: string, base: string): AdminResponse {
    const namespace = this.broker.namespace;
    const subscription = namespace.getSubscription(topicName, subscriptionName);
    switch (request.method) {
      case 'GET':
        return entryResponse(200, this.ruleEntry(subscription, namespace.getRule(topicName, subscriptionName, name), base));
      case 'DELETE':
        namespace.deleteRule(topicName, subscriptionName, name);
        return { status: 200, body: '' };
      case 'PUT': {
        const description = descriptionIn(request.body);
        if (localName(description.name) !== 'RuleDescription') throw new AdminError(400, `${localName(description.name)}: expected a RuleDescription.`);
        const spec = readRuleDescription(description, name);
        const update = request.ifMatch === '*';
        const rule = update
          ? namespace.updateRule(topicName, subscriptionName, name, { filter: spec.filter, ...(spec.action !== undefined && { action: spec.action }) })
          : namespace.createRule(topicName, subscriptionName, { ...spec, name } as RuleOptions);
        this.records.set(rule, this.broker.now(), {}, undefined);
        return entryResponse(update ? 200 : 201, this.ruleEntry(subscription, rule, base));
      }
      default:
        throw new AdminError(405, `The method ${request.method} is not supported on a rule.`);
    }
  }

  private ruleEntry(subscription: Subscription, rule: Rule, base: string): AtomEntry {
    const record = this.records.of(rule);
    const id =
      `${base}/${encodeURIComponent(subscription.topicName)}/Subscriptions/${encodeURIComponent(subscription.name)}` +
      `/Rules/${encodeURIComponent(rule.name)}?${API_VERSION}`;
    return { id, title: rule.name, createdAt: record.createdAt, updatedAt: record.updatedAt, content: writeRuleDescription(rule.options, record.createdAt) };
  }
}

/** The target of a request path (entity names decoded; `Subscriptions` and `Rules` case-insensitive). */
function targetOf(pathname: string): Target {
  let segments: string[];
  try {
    segments = pathname.split('/').filter((segment) => segment !== '').map(decodeURIComponent);
  } catch {
    throw new AdminError(400, `The path '${pathname}' is not validly encoded.`);
  }
  const [first = '', second, third, fourth, fifth] = segments;
  const is = (segment: string | undefined, word: string): boolean => segment?.toLowerCase() === word;
  if (segments.length === 1 && is(first, '$namespaceinfo')) return { kind: 'namespace' };
  if (segments.length === 2 && is(first, '$resources') && (is(second, 'queues') || is(second, 'topics'))) {
    return { kind: 'list', of: is(second, 'queues') ? 'queues' : 'topics' };
  }
  if (segments.length === 1 && !first.startsWith('$')) return { kind: 'entity', name: first };
  if (is(second, 'subscriptions')) {
    if (segments.length === 2) return { kind: 'subscriptions', topic: first };
    if (segments.length === 3) return { kind: 'subscription', topic: first, name: third as string };
    if (segments.length === 4 && is(fourth, 'rules')) return { kind: 'rules', topic: first, subscription: third as string };
    if (segments.length === 5 && is(fourth, 'rules')) return { kind: 'rule', topic: first, subscription: third as string, name: fifth as string };
  }
  throw new AdminError(404, `No administration resource at '${pathname}'.`);
}

/** The description element of a PUT body. @throws AdminError 400 */
function descriptionIn(body: string): XmlElement {
  let root: XmlElement;
  try {
    root = parseXml(body);
  } catch (error: unknown) {
    if (error instanceof XmlError) throw new AdminError(400, `The request body is not valid XML: ${error.message}`, { cause: error });
    throw error;
  }
  const description = descriptionOf(root);
  if (description === undefined) throw new AdminError(400, 'The request body must be an ATOM entry whose content holds an entity description.');
  return description;
}

/** The namespace's errors as the answers the SDK maps to its codes. */
function toAdminError(error: unknown): AdminError | undefined {
  if (error instanceof AdminError) return error;
  if (error instanceof EntityNotFoundError) return new AdminError(404, `The messaging entity '${error.entityPath}' could not be found.`, { cause: error });
  if (error instanceof EntityAlreadyExistsError) return new AdminError(409, `The messaging entity '${error.entityPath}' already exists.`, { cause: error });
  if (error instanceof EntityOptionsError) return new AdminError(400, error.message, { cause: error });
  if (error instanceof NamespaceError) return new AdminError(400, error.message, { cause: error });
  return undefined;
}

/** `''` (no forwarding) for each forwarding option an update leaves out. */
function noForwardingUnlessGiven(changes: { readonly forwardTo?: string; readonly forwardDeadLetteredMessagesTo?: string }) {
  return { forwardTo: changes.forwardTo ?? '', forwardDeadLetteredMessagesTo: changes.forwardDeadLetteredMessagesTo ?? '' };
}

function entryResponse(status: number, entry: AtomEntry): AdminResponse {
  return { status, body: atomEntry(entry) };
}

function sizeOf(queue: Queue): number {
  let size = 0;
  for (const message of queue.messages.values()) size += message.content.bare.length;
  return size;
}

function notFound(name: string): AdminError {
  return new AdminError(404, `The messaging entity '${name}' could not be found.`);
}

function expectMethod(request: AdminRequest, method: string): void {
  if (request.method !== method) throw new AdminError(405, `The method ${request.method} is not supported here; use ${method}.`);
}

function nonNegative(text: string | null, name: string): number | undefined {
  if (text === null) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new AdminError(400, `${name} must be a non-negative integer; got '${text}'.`);
  return value;
}
