import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AdminApi } from './admin/AdminApi';
import { errorXml } from './admin/atom';
import type { HttpHandler } from './HttpFront';
import type { HttpLimits } from './HttpLimits';
import { BodyTooLargeError, readBody } from './readBody';

/** The inspector's part of the HTTP side (see `Inspector`). */
export interface HttpPart {
  /** True for the paths this part serves. */
  handles(path: string): boolean;
  handle(request: IncomingMessage, response: ServerResponse, keepOpen: () => void): void;
}

/**
 * Routes the broker's HTTP requests: the inspector's paths (`/`, `/inspector/…`) to the inspector, every
 * other path to the ATOM administration API (bodies read up to `limits.maxBodyBytes`, else 413).
 */
export function brokerHttpHandler(admin: AdminApi, inspector: HttpPart | undefined, limits: HttpLimits, warn: (message: string) => void): HttpHandler {
  return (request, response, keepOpen) => {
    const path = (request.url ?? '/').split('?')[0] as string;
    if (inspector?.handles(path) === true) return inspector.handle(request, response, keepOpen);
    serveAdmin(admin, request, response, limits).catch((error: unknown) => {
      if (error instanceof BodyTooLargeError) {
        send(response, 413, errorXml(413, error.message), true);
        return;
      }
      warn(`Administration request ${request.method} ${request.url} failed: ${String(error)}`);
      send(response, 500, errorXml(500, 'The emulator failed to answer this request.'), true);
    });
  };
}

async function serveAdmin(admin: AdminApi, request: IncomingMessage, response: ServerResponse, limits: HttpLimits): Promise<void> {
  const body = await readBody(request, limits.maxBodyBytes);
  const answer = await admin.handle({
    method: request.method ?? 'GET',
    url: request.url ?? '/',
    host: request.headers.host ?? 'localhost',
    authorization: request.headers.authorization,
    ifMatch: header(request, 'if-match'),
    body: body.toString('utf8'),
  });
  send(response, answer.status, answer.body, false);
}

function send(response: ServerResponse, status: number, body: string, close: boolean): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const headers: Record<string, string | number> = { 'content-length': Buffer.byteLength(body) };
  if (body !== '') headers['content-type'] = 'application/atom+xml;type=entry;charset=utf-8';
  if (close) headers['connection'] = 'close';
  response.writeHead(status, headers).end(body);
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
