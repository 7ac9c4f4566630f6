import type { DemoModel } from './DemoModel';

/** The end-of-run report and whether the run passed (every produced message completed or dead-lettered). */
export interface DemoSummary {
  readonly ok: boolean;
  readonly lines: readonly string[];
}

/** Builds the summary from the final model. Pure. */
export function summarize(model: DemoModel, elapsedMs: number): DemoSummary {
  const records = [...model.messages];
  const unsettled = records.filter(([, r]) => r.outcome === undefined).map(([id]) => id);
  const completed = records.filter(([, r]) => r.outcome === 'completed').length;
  const deadLettered = records.filter(([, r]) => r.outcome === 'dead-lettered').length;
  const duplicates = model.completed + model.deadLettered - completed - deadLettered;
  const customers = new Set([...model.messages.keys()].map((id) => id.split('/')[0])).size;
  const lines = [
    'Summary',
    `  sessions: ${customers} customers, ${model.accepted} accepts, ${model.closedIdle} closed idle`,
    `  messages: produced ${model.produced}, completed ${completed}, dead-lettered ${deadLettered}, unsettled ${unsettled.length}` +
      (duplicates > 0 ? `, settled twice ${duplicates}` : ''),
    `  locks: ${model.renewals} renewals, ${model.autoRenewErrors} auto-renew errors, ${model.losses.length} lock losses, ${model.settleFailures} settlement failures`,
  ];
  for (const { loss, settled } of model.redeliveries()) {
    const done = settled.filter((s) => s.outcome !== undefined);
    const by = [...new Set(done.map((s) => s.by))].join(', ') || 'nobody';
    lines.push(
      `  lock lost: session ${loss.sessionId} on ${loss.consumer} (${loss.reason}), ${loss.inFlight.length} messages in flight;` +
        ` redelivered and settled by ${by}: ${done.length}/${settled.length}`,
    );
  }
  const seconds = elapsedMs / 1_000;
  lines.push(`  time: ${seconds.toFixed(1)} s, ${(model.completed / Math.max(seconds, 0.001)).toFixed(1)} msg/s`);
  for (const error of model.errors) lines.push(`  error: ${error}`);
  const ok = unsettled.length === 0 && model.produced > 0 && model.errors.length === 0;
  lines.push(
    ok
      ? `  nothing lost: ${model.produced} produced = ${completed} completed + ${deadLettered} dead-lettered`
      : `  LOST: ${unsettled.length} of ${model.produced} messages neither completed nor dead-lettered: ${unsettled.slice(0, 10).join(', ')}${unsettled.length > 10 ? ', …' : ''}`,
  );
  return { ok, lines };
}
