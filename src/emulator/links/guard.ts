import type { EventContext } from 'rhea';
import { describe } from '../Broker';

/** Wraps a rhea event handler so that a throw is reported instead of reaching rhea's socket loop. */
export type Guard = (handler: (context: EventContext) => void) => (context: EventContext) => void;

/** A {@link Guard} reporting to `warn`. */
export function guardWith(warn: (message: string) => void): Guard {
  return (handler) => (context) => {
    try {
      handler(context);
    } catch (error: unknown) {
      warn(`Emulator event handler failed: ${describe(error)}`);
    }
  };
}
