import { message as rheaMessage } from 'rhea';
import type { Settlement } from './SessionMessage';

/** rhea builds outcomes at runtime; its typings omit these constructors. */
const outcomes = rheaMessage as unknown as Record<'accepted' | 'modified' | 'rejected', (fields?: Record<string, unknown>) => { described(): unknown }>;
const ACCEPTED = outcomes.accepted().described();

/**
 * The AMQP delivery outcome a link settlement sends, as Service Bus reads it: `accepted` (complete),
 * `modified` (abandon; defer = `undeliverable_here`), `rejected` with `com.microsoft:dead-letter`
 * (dead-letter, reason and description in the error's info). `complete` allocates nothing.
 */
export function settlementOutcome(s: Settlement): unknown {
  switch (s.kind) {
    case 'complete':
      return ACCEPTED;
    case 'abandon':
      return outcomes
        .modified({ undeliverable_here: false, ...(s.propertiesToModify === undefined ? {} : { message_annotations: s.propertiesToModify }) })
        .described();
    case 'defer':
      return outcomes
        .modified({ undeliverable_here: true, ...(s.propertiesToModify === undefined ? {} : { message_annotations: s.propertiesToModify }) })
        .described();
    case 'deadLetter': {
      const info: Record<string, unknown> = { ...(s.propertiesToModify ?? {}) };
      if (s.reason !== undefined) info['DeadLetterReason'] = s.reason;
      if (s.description !== undefined) info['DeadLetterErrorDescription'] = s.description;
      return outcomes.rejected({ error: { condition: 'com.microsoft:dead-letter', description: undefined, info } }).described();
    }
  }
}
