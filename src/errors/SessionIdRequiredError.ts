import { EntityKindMismatchError } from './EntityKindMismatchError';

/**
 * The entity requires sessions but the operation carried no session id: a message sent without
 * `sessionId` to a session queue, or a non-session receiver on it. Final. Set `sessionId`.
 */
export class SessionIdRequiredError extends EntityKindMismatchError {
  override readonly name = 'SessionIdRequiredError' as const;
  constructor(message: string, entityPath: string | undefined, options?: { cause?: unknown; condition?: string }) {
    super(message, entityPath, options);
  }
}
