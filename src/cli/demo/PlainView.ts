import type { DemoEvent } from './DemoEvent';
import type { DemoModel } from './DemoModel';
import { formatEvent } from './formatEvent';
import { formatTotals } from './formatFrame';

/** Output for pipes and CI: one line per notable event, and a totals line when `progress` is called (once a second). */
export class PlainView {
  constructor(private readonly write: (text: string) => void) {}

  /** Prints `event` if it is notable. */
  event(event: DemoEvent, startedAt: number): void {
    const line = formatEvent(event, startedAt);
    if (line !== undefined) this.write(`${line}\n`);
  }

  /** Prints the totals line. */
  progress(model: DemoModel, now: number): void {
    const t = model.startedAt === undefined ? 0 : (now - model.startedAt) / 1_000;
    this.write(`${t.toFixed(1).padStart(5)}s ${formatTotals(model, now)} · held ${model.rows.size}\n`);
  }
}
