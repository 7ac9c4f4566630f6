import type { Sender } from 'rhea';
import { senderInternals, type SenderInternals } from './internals';

/**
 * Makes this sender echo every drain request (gotcha G2). rhea's own `_get_drain` only sets `drain=true`
 * on the flow when credit is left after the queued transfers went out; the SDK then waits for a drain
 * echo that never comes and closes its receiver. With this override the flow that follows
 * `set_drained(true)` always carries `drain=true` and the delivery-count advanced past the unused credit.
 */
export function answerDrainExactly(sender: Sender): void {
  senderInternals(sender)._get_drain = function (this: SenderInternals): boolean {
    if (!this._draining || !this._drained) return false;
    this.delivery_count += this.credit;
    this.credit = 0;
    this._draining = false;
    return true;
  };
}
