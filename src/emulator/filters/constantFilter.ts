import type { RuleFilter } from './RuleFilter';

/** The true filter (`1=1`, the `$Default` rule's) and the false filter (`1=0`). */
export class ConstantFilter implements RuleFilter {
  static readonly true = new ConstantFilter(true);
  static readonly false = new ConstantFilter(false);

  private constructor(readonly value: boolean) {}

  matches(): boolean {
    return this.value;
  }
}
