/**
 * Base of the errors the runtime entity API of `Namespace` throws. `entityPath` names the entity
 * concerned (`orders`, `events/Subscriptions/audit`, `events/Subscriptions/audit/Rules/big`).
 */
export class NamespaceError extends Error {
  override readonly name: string = 'NamespaceError';

  constructor(
    readonly entityPath: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** True for any {@link NamespaceError} (also across duplicated module copies: checks `entityPath`). */
export function isNamespaceError(e: unknown): e is NamespaceError {
  return e instanceof NamespaceError || (e instanceof Error && typeof (e as { entityPath?: unknown }).entityPath === 'string');
}
