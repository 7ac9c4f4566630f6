import { EntityKindMismatchError } from './EntityKindMismatchError';

/**
 * A session operation (accepting a session, session state, listing sessions) addressed an entity
 * that does not require sessions. Final. Use a plain receiver, or create the queue with sessions.
 */
export class SessionsNotEnabledError extends EntityKindMismatchError {
  override readonly name = 'SessionsNotEnabledError' as const;
  constructor(message: string, entityPath: string | undefined, options?: { cause?: unknown; condition?: string }) {
    super(message, entityPath, options);
  }
}
