import { NamespaceError } from './NamespaceError';

/** The queue, topic, subscription or rule named does not exist (or a forwarding target does not). */
export class EntityNotFoundError extends NamespaceError {
  override readonly name = 'EntityNotFoundError' as const;

  constructor(
    entityPath: string,
    /** `queue`, `topic`, `subscription`, `rule`, or `entity` when the kind is open (a forwarding target). */
    readonly kind: string,
  ) {
    super(entityPath, `The ${kind} '${entityPath}' does not exist.`);
  }
}
