import { NamespaceError } from './NamespaceError';

/**
 * Invalid options for an entity: `option` is the option's path inside the options object given
 * (`lockDurationMs`, `rules[1].filter.sqlExpression`, `forwardTo`), `problem` what is wrong with it.
 */
export class EntityOptionsError extends NamespaceError {
  override readonly name = 'EntityOptionsError' as const;

  constructor(
    entityPath: string,
    readonly option: string,
    readonly problem: string,
    options?: ErrorOptions,
  ) {
    super(entityPath, `Invalid option '${option}' for '${entityPath}': ${problem}`, options);
  }
}
