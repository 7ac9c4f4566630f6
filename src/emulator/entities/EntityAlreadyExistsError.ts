import { NamespaceError } from './NamespaceError';

/** An entity of that name already exists (queue and topic names share one space, case-insensitively). */
export class EntityAlreadyExistsError extends NamespaceError {
  override readonly name = 'EntityAlreadyExistsError' as const;

  constructor(
    entityPath: string,
    /** The kind of the entity that holds the name. */
    readonly existingKind: string,
  ) {
    super(entityPath, `A ${existingKind} named '${entityPath}' already exists (names are case-insensitive).`);
  }
}
