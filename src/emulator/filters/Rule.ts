import { ConstantFilter } from './constantFilter';
import type { RuleAction, RuleFilter } from './RuleFilter';
import type { RuleOptions } from './RuleOptions';

/** The rule every subscription created without rules gets: `$Default`, true filter, no action. */
export const DEFAULT_RULE_NAME = '$Default';

/** One compiled subscription rule (see `compileRule`). */
export class Rule {
  constructor(
    /** The rule as given, with its filter spelled out (`{ type: 'true' }` when none was given). */
    readonly options: RuleOptions & { readonly filter: NonNullable<RuleOptions['filter']> },
    readonly filter: RuleFilter,
    readonly action: RuleAction | undefined,
  ) {}

  get name(): string {
    return this.options.name;
  }

  /** A true filter without action: every message is copied unchanged. */
  get acceptsAll(): boolean {
    return this.filter === ConstantFilter.true && this.action === undefined;
  }
}
