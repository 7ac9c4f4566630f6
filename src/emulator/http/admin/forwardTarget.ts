import { AdminError } from './AdminError';

/**
 * The entity a `ForwardTo` / `ForwardDeadLetteredMessagesTo` value names: the SDK sends an absolute
 * `sb://<namespace>/<entity>`; a bare name is taken as is. `undefined` for an absent or empty value.
 * @throws AdminError 400 for a URL without an entity path.
 */
export function forwardTarget(value: string | undefined, field: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  const match = /^[a-z][a-z0-9+.-]*:\/\/[^/]*\/?(.*)$/i.exec(value);
  const path = (match === null ? value : (match[1] as string)).replace(/^\/+|\/+$/g, '');
  if (path === '') throw new AdminError(400, `${field} '${value}' names no entity.`);
  try {
    return decodeURIComponent(path);
  } catch {
    throw new AdminError(400, `${field} '${value}' is not validly encoded.`);
  }
}

/** A forwarding target as Service Bus reports it: an absolute `sb://host/<entity>` URL. */
export function forwardUrl(host: string, target: string | undefined): string | undefined {
  return target === undefined ? undefined : `sb://${host}/${target}`;
}
