import type { OrderCheckpoint } from './DemoEvent';
import type { DemoModel, SessionRow } from './DemoModel';

/** How a frame is drawn. */
export interface FrameStyle {
  /** Terminal width; lines are cut to it. */
  readonly columns: number;
  /** ANSI colours. */
  readonly color: boolean;
  /** Lines of recent routine events shown under the totals. */
  readonly recent: readonly string[];
  /** Lines of incidents (lock losses, redeliveries…), kept on screen longer. */
  readonly incidents?: readonly string[];
  /** Title line. */
  readonly title: string;
}

const BAR = 20;
const ansi = (code: string, text: string, on: boolean): string => (on ? `\x1b[${code}m${text}\x1b[0m` : text);

/** A full frame of the live view: header, one row per held session, totals, recent events. Pure. */
export function formatFrame(model: DemoModel, now: number, style: FrameStyle): string[] {
  const elapsed = model.startedAt === undefined ? 0 : (now - model.startedAt) / 1_000;
  const lines = [`${style.title}  ${elapsed.toFixed(1)} s`, ansi('2', ' worker       session  lock                          msgs renew  checkpoint', style.color)];
  const rows = [...model.rows.values()].sort((a, b) => a.consumer.localeCompare(b.consumer) || a.sessionId.localeCompare(b.sessionId));
  for (const row of rows) lines.push(formatRow(row, style.color));
  if (rows.length === 0) lines.push(ansi('2', ' (no session held)', style.color));
  lines.push('', ...formatTotalLines(model, now));
  const incidents = style.incidents ?? [];
  if (incidents.length > 0) lines.push(ansi('2', ' incidents:', style.color), ...incidents.map((l) => ansi('33', ` ${l}`, style.color)));
  if (style.recent.length > 0) lines.push(ansi('2', ' recent:', style.color), ...style.recent.map((l) => ` ${l}`));
  return lines.map((line) => cut(line, style.columns));
}

/** The totals on two lines: messages, then sessions, locks and throughput. */
export function formatTotalLines(model: DemoModel, now: number): [string, string] {
  const rate = model.throughput(now);
  return [
    ` messages: produced ${model.produced} · completed ${model.completed} · dead-lettered ${model.deadLettered} · outstanding ${model.outstanding}`,
    ` sessions ${model.accepted} · renewals ${model.renewals} · lock losses ${model.losses.length}` +
      ` · ${rate.overall.toFixed(1)} msg/s (last 2 s: ${rate.recent.toFixed(1)})`,
  ];
}

/** The totals on one line (plain progress output). */
export function formatTotals(model: DemoModel, now: number): string {
  return formatTotalLines(model, now).join(' ·');
}

function formatRow(row: SessionRow, color: boolean): string {
  const fill = Math.max(0, Math.min(BAR, Math.round((row.remainingMs / row.lockDurationMs) * BAR)));
  const barColor = row.lockState === 'lost' ? '31' : row.renewalStopped !== undefined || row.lockState === 'expiring' ? '33' : '32';
  const bar = ansi(barColor, '█'.repeat(fill) + '░'.repeat(BAR - fill), color);
  const lock =
    row.lockState === 'lost'
      ? ansi('31', 'LOST  ', color)
      : `${(row.remainingMs / 1_000).toFixed(1).padStart(4)}s${row.lockState === 'renewed' ? ansi('32', '↻', color) : ' '}`;
  const status = row.renewalStopped !== undefined ? ansi('33', `renewal stopped: ${row.renewalStopped}`, color) : describeCheckpoint(row.checkpoint);
  return ` ${row.consumer.padEnd(12)} ${row.sessionId.padEnd(8)} ${bar} ${lock}  ${String(row.processed).padStart(4)} ${String(row.renewals).padStart(5)}  ${status}`;
}

/** `item-added 3/6 · 2 items · $42.10` */
export function describeCheckpoint(checkpoint: OrderCheckpoint | undefined): string {
  if (checkpoint === undefined) return '-';
  return `${checkpoint.step} #${checkpoint.lastIndex} · ${checkpoint.items} items · $${(checkpoint.totalCents / 100).toFixed(2)}`;
}

/** Cuts `line` to `columns` visible characters, keeping ANSI sequences intact. */
function cut(line: string, columns: number): string {
  let visible = 0;
  let out = '';
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] ?? '';
    if (ch === '\x1b') {
      const end = line.indexOf('m', i);
      if (end === -1) break;
      out += line.slice(i, end + 1);
      i = end;
      continue;
    }
    if (visible >= columns) continue;
    out += ch;
    visible++;
  }
  return out;
}
