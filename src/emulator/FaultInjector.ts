/** A failure to answer instead of running a `$management` (or `$cbs`) operation. */
export interface InjectedFault {
  /** Status code of the reply, e.g. 410. */
  readonly statusCode: number;
  /** `errorCondition` of the reply, e.g. `com.microsoft:session-lock-lost`. */
  readonly condition: string;
  readonly description?: string;
  /** How many requests fail (default 1). */
  readonly count?: number;
}

/** Test control: the next N requests of an operation fail with a given status and condition. */
export class FaultInjector {
  private readonly pending = new Map<string, { fault: InjectedFault; remaining: number }>();

  /** Arms `fault` for the next `fault.count ?? 1` requests whose `operation` equals `operation`. */
  inject(operation: string, fault: InjectedFault): void {
    const remaining = fault.count ?? 1;
    if (remaining > 0) this.pending.set(operation, { fault, remaining });
    else this.pending.delete(operation);
  }

  /** True while a fault is armed for `operation` (nothing is consumed). */
  armed(operation: string): boolean {
    return this.pending.has(operation);
  }

  /** Consumes one armed fault for `operation`, if any. */
  take(operation: string): InjectedFault | undefined {
    const entry = this.pending.get(operation);
    if (entry === undefined) return undefined;
    if (--entry.remaining <= 0) this.pending.delete(operation);
    return entry.fault;
  }
}
