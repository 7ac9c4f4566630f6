import type { Broker } from '../../Broker';
import type { QueueOptions } from '../../config/EmulatorOptions';
import type { ResolvedQueueOptions } from '../../entities/ResolvedQueueOptions';
import { EmulatorOptionsError } from '../../EmulatorOptionsError';
import type { Queue } from '../../entities/Queue';
import { queueStats } from '../../entities/queueStats';
import { resolveQueues } from '../../resolveQueues';
import { AdminError } from './AdminError';
import { atomEntry, atomFeed, errorXml, tag, type AtomEntry } from './atom';
import { authoriseAdminRequest } from './authoriseAdminRequest';
import { descriptionOf, readQueueDescription, writeQueueDescription, type QueueRecord } from './queueDescription';
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

/**
 * The broker's side of the Service Bus ATOM management API that `ServiceBusAdministrationClient` speaks:
 * namespace properties, and get / list / create / update / delete of queues with their runtime counts.
 * Keeps the times and the echoed inert settings of each queue.
 */
export class AdminApi {
  private readonly records = new WeakMap<Queue, QueueRecord>();
  private readonly startedAt: number;

  constructor(private readonly broker: Broker) {
    this.startedAt = broker.now();
  }

  /**
   * Answers one request. Never throws for a client's mistake: those become 400 (malformed XML or
   * settings, with the reason), 401 (token), 404 (no such entity), 405 (method), 409 (create over an
   * existing entity).
   */
  async handle(request: AdminRequest): Promise<AdminResponse> {
    try {
      return await this.route(request);
    } catch (error: unknown) {
      if (error instanceof AdminError) return { status: error.status, body: errorXml(error.status, error.detail) };
      throw error;
    }
  }

  private async route(request: AdminRequest): Promise<AdminResponse> {
    const url = new URL(request.url, 'http://emulator');
    const write = request.method === 'PUT' || request.method === 'DELETE';
    const refusal = authoriseAdminRequest(this.broker, request.authorization, url.pathname, request.host, write);
    if (refusal !== undefined) throw new AdminError(401, `Unauthorized: ${refusal}`);
    let segments: string[];
    try {
      segments = url.pathname.split('/').filter((segment) => segment !== '').map(decodeURIComponent);
    } catch {
      throw new AdminError(400, `The path '${url.pathname}' is not validly encoded.`);
    }
    const base = `http://${request.host}`;
    const first = (segments[0] ?? '').toLowerCase();
    if (segments.length === 1 && first === '$namespaceinfo') return this.namespaceInfo(request, base);
    if (segments.length === 2 && first === '$resources') {
      expectMethod(request, 'GET');
      const kind = (segments[1] as string).toLowerCase();
      if (kind === 'queues') return this.listQueues(url, base);
      if (kind === 'topics') return { status: 200, body: atomFeed(`${base}/$Resources/Topics`, 'Topics', this.broker.now(), [], undefined) };
      throw new AdminError(404, `No resource collection '${segments[1]}'.`);
    }
    if (segments.length === 1) return this.entity(request, segments[0] as string, base);
    if ((segments[1] ?? '').toLowerCase() === 'subscriptions') {
      throw new AdminError(404, `The messaging entity '${segments[0]}' could not be found (topics are not available on this broker yet).`);
    }
    throw new AdminError(404, `No administration resource at '${url.pathname}'.`);
  }

  private namespaceInfo(request: AdminRequest, base: string): AdminResponse {
    expectMethod(request, 'GET');
    const name = request.host.replace(/:\d+$/, '');
    const content =
      `<NamespaceInfo xmlns="http://schemas.microsoft.com/netservices/2010/10/servicebus/connect" xmlns:i="http://www.w3.org/2001/XMLSchema-instance">` +
      `${tag('CreatedTime', new Date(this.startedAt).toISOString())}${tag('MessagingSKU', 'Standard')}${tag('MessagingUnits', 0)}` +
      `${tag('ModifiedTime', new Date(this.startedAt).toISOString())}${tag('Name', name)}${tag('NamespaceType', 'Messaging')}</NamespaceInfo>`;
    const entry: AtomEntry = { id: `${base}/$namespaceinfo`, title: name, createdAt: this.startedAt, updatedAt: this.startedAt, content };
    return { status: 200, body: atomEntry(entry) };
  }

  private listQueues(url: URL, base: string): AdminResponse {
    const skip = nonNegative(url.searchParams.get('$skip'), '$skip') ?? 0;
    const top = nonNegative(url.searchParams.get('$top'), '$top') ?? 100;
    const queues = this.broker.namespace.queues;
    const page = queues.slice(skip, skip + top).map((queue) => this.queueEntry(queue, base));
    const next = skip + top < queues.length ? `${base}/$Resources/Queues?$skip=${skip + top}&$top=${top}&api-version=2021-05` : undefined;
    return { status: 200, body: atomFeed(`${base}/$Resources/Queues`, 'Queues', this.broker.now(), page, next) };
  }

  private async entity(request: AdminRequest, name: string, base: string): Promise<AdminResponse> {
    const existing = this.broker.namespace.resolve(name);
    const queue = existing === undefined || existing.management || existing.queue.isDeadLetterQueue ? undefined : existing.queue;
    switch (request.method) {
      case 'GET':
        if (queue === undefined) throw notFound(name);
        return { status: 200, body: atomEntry(this.queueEntry(queue, base)) };
      case 'DELETE':
        if (queue === undefined) throw notFound(name);
        this.broker.namespace.removeQueue(queue.name);
        return { status: 200, body: '' };
      case 'PUT':
        return this.put(request, name, queue, base);
      default:
        throw new AdminError(405, `The method ${request.method} is not supported on an entity.`);
    }
  }

  private async put(request: AdminRequest, name: string, queue: Queue | undefined, base: string): Promise<AdminResponse> {
    const description = this.description(request.body);
    const kind = localName(description.name);
    if (kind !== 'QueueDescription') throw new AdminError(400, `${kind}: only queues can be created on this broker (topics are not available yet).`);
    const requested = readQueueDescription(description, name);
    const update = request.ifMatch === '*';
    const now = this.broker.now();
    if (!update) {
      if (queue !== undefined) throw new AdminError(409, `The messaging entity '${name}' already exists.`);
      const options = await this.validated(requested.options);
      if (this.broker.namespace.resolve(name) !== undefined) throw new AdminError(409, `The messaging entity '${name}' already exists.`);
      const created = this.broker.namespace.addQueue(options);
      this.records.set(created, { createdAt: now, updatedAt: now, accessedAt: now, inert: requested.inert, userMetadata: requested.userMetadata });
      return { status: 201, body: atomEntry(this.queueEntry(created, base)) };
    }
    if (queue === undefined) throw notFound(name);
    const options = await this.validated({ ...requested.options, name: queue.name });
    const current = queue.options;
    for (const key of ['requiresSession', 'lockDurationMs', 'maxDeliveryCount', 'defaultMessageTimeToLiveMs', 'deadLetteringOnMessageExpiration'] as const) {
      if (options[key] !== current[key]) {
        throw new AdminError(400, `Changing ${key} of an existing queue is not supported by this emulator; delete and re-create '${queue.name}'.`);
      }
    }
    const record = this.recordOf(queue);
    record.inert = requested.inert;
    record.userMetadata = requested.userMetadata;
    record.updatedAt = now;
    return { status: 200, body: atomEntry(this.queueEntry(queue, base)) };
  }

  private description(body: string): XmlElement {
    let root;
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

  private async validated(options: QueueOptions): Promise<ResolvedQueueOptions> {
    try {
      const [resolved] = await resolveQueues({ queues: [options] }, this.broker.warn);
      return resolved as ResolvedQueueOptions;
    } catch (error: unknown) {
      if (error instanceof EmulatorOptionsError) throw new AdminError(400, error.message.replace(/^queues\[0\]\./, ''), { cause: error });
      throw error;
    }
  }

  private recordOf(queue: Queue): QueueRecord {
    let record = this.records.get(queue);
    if (record === undefined) {
      record = { createdAt: this.startedAt, updatedAt: this.startedAt, accessedAt: this.startedAt, inert: {}, userMetadata: undefined };
      this.records.set(queue, record);
    }
    return record;
  }

  private queueEntry(queue: Queue, base: string): AtomEntry {
    const record = this.recordOf(queue);
    let size = 0;
    for (const message of queue.messages.values()) size += message.content.bare.length;
    const content = writeQueueDescription(queue.options, record, queueStats(queue), size);
    return { id: `${base}/${encodeURIComponent(queue.name)}?api-version=2021-05`, title: queue.name, createdAt: record.createdAt, updatedAt: record.updatedAt, content };
  }
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
