import { randomUUID } from 'node:crypto';
import type { Message } from 'rhea-promise';

/**
 * A `$management` request: `operation` (as `com.microsoft:<operation>`), a tracking id, the associated
 * link name when there is one, and `body`. The request/response link adds `message_id` and `reply_to`.
 */
export function managementRequestMessage(
  operation: string,
  body: Record<string, unknown>,
  associatedLinkName: string | undefined,
  // Node's batched generator: one string per request (rhea's generate_uuid builds it from Buffer slices).
  trackingId: string = randomUUID(),
): Message {
  const applicationProperties: Record<string, unknown> = {
    operation: `com.microsoft:${operation}`,
    'com.microsoft:tracking-id': trackingId,
  };
  if (associatedLinkName !== undefined) applicationProperties['associated-link-name'] = associatedLinkName;
  return { application_properties: applicationProperties, body };
}
