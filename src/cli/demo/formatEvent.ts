import type { DemoEvent } from './DemoEvent';

/**
 * One line for a notable event (sessions accepted or closed, renewals giving up, locks lost, settlement
 * failures, dead letters, end of traffic); `undefined` for routine ones (ticks, each message).
 */
export function formatEvent(event: DemoEvent, startedAt: number): string | undefined {
  const t = `${((event.at - startedAt) / 1_000).toFixed(1).padStart(5)}s`;
  switch (event.type) {
    case 'accepted':
      return `${t}  ${event.consumer} accepted session ${event.sessionId}`;
    case 'auto-renew-error':
      return `${t}  ${event.consumer} ${event.sessionId}: auto-renew stopped: ${event.errorName}: ${event.detail}`;
    case 'lock-lost':
      return `${t}  ${event.consumer} ${event.sessionId}: LOCK LOST (${event.reason}); link closed`;
    case 'settle-failed':
      return `${t}  ${event.consumer} ${event.sessionId}: could not complete ${event.messageId}: ${event.errorName}`;
    case 'dead-lettered':
      return `${t}  ${event.consumer} ${event.sessionId}: dead-lettered ${event.messageId} (${event.reason})`;
    case 'closed':
      return event.why === 'lost' ? undefined : `${t}  ${event.consumer} closed session ${event.sessionId} (${event.why})`;
    case 'received':
      // deliveryCount counts earlier deliveries (AMQP header, as in the official JS SDK): 0 the first time.
      return event.deliveryCount > 0 ? `${t}  ${event.consumer} ${event.sessionId}: redelivered messages from ${event.messageId} on (delivered ${event.deliveryCount}× before)` : undefined;
    case 'session-error':
      return `${t}  ${event.consumer} ${event.sessionId}: ERROR ${event.errorName}: ${event.detail}`;
    case 'traffic-done':
      return `${t}  all ${event.count} order messages sent`;
    default:
      return undefined;
  }
}

/** Events worth keeping on screen: renewal giving up, lock losses, redeliveries, dead letters, failures. */
export function isIncident(event: DemoEvent): boolean {
  switch (event.type) {
    case 'auto-renew-error':
    case 'lock-lost':
    case 'settle-failed':
    case 'dead-lettered':
    case 'session-error':
      return true;
    case 'received':
      return event.deliveryCount > 0;
    default:
      return false;
  }
}
