import type { DemoModel } from './DemoModel';

/** The end-of-run report and whether the run passed (every produced message completed or dead-lettered). */
export interface DemoSummary {
  /** Nothing lost and no error; for a run stopped early: no error (unprocessed messages are still queued). */
  readonly ok: boolean;
  /** Produced messages neither completed nor dead-lettered (for a stopped run: still in the queue). */
  readonly unsettled: number;
  readonly lines: readonly string[];
}

/**
 * Builds the summary from the final model. Pure.
 * @param stopped the user stopped the run early: its unsettled messages are reported as still queued (they
 *   were not processed yet, and the broker check says whether the queue holds exactly them), not as lost.
 */
export function summarize(model: DemoModel, elapsedMs: number, { stopped = false }: { readonly stopped?: boolean } = {}): DemoSummary {
  const records = [...model.messages];
  const unsettled = records.filter(([, r]) => r.outcome === undefined).map(([id]) => id);
  const completed = records.filter(([, r]) => r.outcome === 'completed').length;
  const deadLettered = records.filter(([, r]) => r.outcome === 'dead-lettered').length;
  const duplicates = model.completed + model.deadLettered - completed - deadLettered;
  const customers = new Set([...model.messages.keys()].map((id) => id.split('/')[0])).size;
  const lines = [
    'Summary',
    `  sessions: ${customers} customers, ${model.accepted} accepts, ${model.closedIdle} closed idle`,
    `  messages: produced ${model.produced}, completed ${completed}, dead-lettered ${deadLettered}, ${stopped ? 'still queued' : 'unsettled'} ${unsettled.length}` +
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
  const list = `${unsettled.slice(0, 10).join(', ')}${unsettled.length > 10 ? ', …' : ''}`;
  if (stopped) {
    lines.push(
      unsettled.length === 0
        ? `  stopped early: every produced message was settled: ${model.produced} produced = ${completed} completed + ${deadLettered} dead-lettered`
        : `  stopped early: ${unsettled.length} of ${model.produced} messages not processed yet, still in the queue (not lost): ${list}`,
    );
    return { ok: model.errors.length === 0, unsettled: unsettled.length, lines };
  }
  const ok = unsettled.length === 0 && model.produced > 0 && model.errors.length === 0;
  lines.push(
    ok
      ? `  nothing lost: ${model.produced} produced = ${completed} completed + ${deadLettered} dead-lettered`
      : `  LOST: ${unsettled.length} of ${model.produced} messages neither completed nor dead-lettered: ${list}`,
  );
  return { ok, unsettled: unsettled.length, lines };
}
