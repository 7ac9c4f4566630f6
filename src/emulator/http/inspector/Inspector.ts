import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SchedulerAction, Subscription } from 'rxjs';
import type { Broker } from '../../Broker';
import type { HttpPart } from '../brokerHttpHandler';
import type { HttpLimits } from '../HttpLimits';
import { BodyTooLargeError, readBody } from '../readBody';
import { InspectorActionError } from './InspectorActionError';
import { purge, resubmit, sendFromInspector } from './inspectorActions';
import { inspectorPage } from './inspectorPage';
import { loadInspectorScript } from './loadInspectorScript';
import { ConnectionNumbers, takeSnapshot } from './takeSnapshot';

/** How often live pages get a fresh snapshot (they count lock expiries down in between). */
export const SNAPSHOT_INTERVAL_MS = 500;
/** Largest action request (JSON) accepted. */
const MAX_ACTION_BYTES = 300_000;

/**
 * The inspector: the page at `/`, its script, `GET /inspector/snapshot` (one snapshot as JSON),
 * `GET /inspector/events` (a snapshot now and every {@link SNAPSHOT_INTERVAL_MS} as server-sent events,
 * one timer on the broker's scheduler for all pages, running only while a page listens) and the actions
 * `POST /inspector/send|purge|resubmit`. Actions take JSON only and refuse a cross-origin `Origin`, so a
 * web page elsewhere cannot drive them through the user's browser.
 */
export class Inspector implements HttpPart {
  private readonly streams = new Set<ServerResponse>();
  private readonly owners = new ConnectionNumbers();
  private ticking: Subscription | undefined;
  private script: string | undefined;

  constructor(
    private readonly broker: Broker,
    private readonly connections: () => number,
    private readonly limits: HttpLimits,
  ) {}

  handles(path: string): boolean {
    return path === '/' || path === '/index.html' || path === '/favicon.ico' || path.startsWith('/inspector/');
  }

  handle(request: IncomingMessage, response: ServerResponse, keepOpen: () => void): void {
    const path = (request.url ?? '/').split('?')[0] as string;
    const method = request.method ?? 'GET';
    if (method === 'GET' && (path === '/' || path === '/index.html')) return send(response, 200, 'text/html; charset=utf-8', inspectorPage);
    if (method === 'GET' && path === '/inspector/inspector.js') {
      this.script ??= loadInspectorScript();
      if (this.script === undefined) return send(response, 500, 'text/plain', 'The inspector script is not built: run `npm run build`.');
      return send(response, 200, 'text/javascript; charset=utf-8', this.script);
    }
    if (method === 'GET' && path === '/inspector/snapshot') return send(response, 200, 'application/json', JSON.stringify(this.snapshot()));
    if (method === 'GET' && path === '/inspector/events') return this.stream(response, keepOpen);
    if (method === 'POST' && (path === '/inspector/send' || path === '/inspector/purge' || path === '/inspector/resubmit')) {
      this.act(request, response, path.slice('/inspector/'.length)).catch((error: unknown) => {
        if (error instanceof BodyTooLargeError) return json(response, 413, { error: error.message });
        this.broker.warn(`Inspector action ${path} failed: ${String(error)}`);
        return json(response, 500, { error: 'The emulator failed to carry out this action.' });
      });
      return;
    }
    send(response, 404, 'text/plain', `Nothing at ${method} ${path}.`);
  }

  /** Ends every live page's event stream. */
  close(): void {
    for (const stream of this.streams) stream.end();
    this.streams.clear();
    this.ticking?.unsubscribe();
    this.ticking = undefined;
  }

  private snapshot() {
    return takeSnapshot(this.broker, this.connections(), this.owners);
  }

  private stream(response: ServerResponse, keepOpen: () => void): void {
    if (this.streams.size >= this.limits.maxEventStreams) {
      return send(response, 503, 'text/plain', `At most ${this.limits.maxEventStreams} inspector pages can be live at once.`);
    }
    keepOpen();
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    this.streams.add(response);
    response.once('close', () => {
      this.streams.delete(response);
      if (this.streams.size === 0) {
        this.ticking?.unsubscribe();
        this.ticking = undefined;
      }
    });
    response.write(`data: ${JSON.stringify(this.snapshot())}\n\n`);
    this.ticking ??= this.scheduleTicks();
  }

  /** One repeating action on the broker's scheduler that pushes a snapshot to every live page. */
  private scheduleTicks(): Subscription {
    const push = (): void => this.push();
    return this.broker.clock.schedule(function (this: SchedulerAction<undefined>) {
      push();
      this.schedule(undefined, SNAPSHOT_INTERVAL_MS);
    }, SNAPSHOT_INTERVAL_MS);
  }

  private push(): void {
    if (this.streams.size === 0) return;
    const event = `data: ${JSON.stringify(this.snapshot())}\n\n`;
    for (const stream of this.streams) stream.write(event);
  }

  private async act(request: IncomingMessage, response: ServerResponse, action: string): Promise<void> {
    const origin = request.headers.origin;
    if (origin !== undefined && origin !== `http://${request.headers.host ?? ''}`) {
      return json(response, 403, { error: `Cross-origin inspector actions are refused (Origin ${origin}).` });
    }
    if (!(request.headers['content-type'] ?? '').startsWith('application/json')) {
      return json(response, 415, { error: 'Inspector actions take a JSON body (content-type: application/json).' });
    }
    const body = await readBody(request, Math.min(MAX_ACTION_BYTES, this.limits.maxBodyBytes));
    let input: unknown;
    try {
      input = JSON.parse(body.toString('utf8'));
    } catch {
      return json(response, 400, { error: 'The body is not valid JSON.' });
    }
    if (input === null || typeof input !== 'object') return json(response, 400, { error: 'The body must be a JSON object.' });
    try {
      const result =
        action === 'send'
          ? { sent: sendFromInspector(this.broker, input as never) }
          : action === 'purge'
            ? { purged: purge(this.broker, input as never) }
            : { sequenceNumber: resubmit(this.broker, input as never) };
      json(response, 200, result);
      this.push();
    } catch (error: unknown) {
      if (error instanceof InspectorActionError) return json(response, error.status, { error: error.message });
      throw error;
    }
  }
}

function send(response: ServerResponse, status: number, type: string, body: string): void {
  response.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' }).end(body);
}

function json(response: ServerResponse, status: number, value: unknown): void {
  send(response, status, 'application/json', JSON.stringify(value));
}
