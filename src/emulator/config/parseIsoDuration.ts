import { EmulatorConfigError } from './EmulatorConfigError';

const MS_PER_SECOND = 1_000;
const MS_PER_MINUTE = 60 * MS_PER_SECOND;
const MS_PER_HOUR = 60 * MS_PER_MINUTE;
const MS_PER_DAY = 24 * MS_PER_HOUR;

// One number with an optional fraction ('.' or ',' as ISO 8601 allows) per designator.
const N = '(\\d+(?:[.,]\\d+)?)';
const ISO_DURATION = new RegExp(`^P(?:${N}Y)?(?:${N}M)?(?:${N}W)?(?:${N}D)?(?:T(?:${N}H)?(?:${N}M)?(?:${N}S)?)?$`, 'i');
// .NET TimeSpan "c" form: [-][d.]hh:mm:ss[.fffffff]
const TIME_SPAN = /^(?:(\d+)\.)?(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,7}))?$/;

// Same factors as .NET's XmlConvert.ToTimeSpan, which reads the official emulator's Config.json:
// a year is 365 days and a month 30 days (calendar-free).
const ISO_UNITS_MS = [365 * MS_PER_DAY, 30 * MS_PER_DAY, 7 * MS_PER_DAY, MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE, MS_PER_SECOND] as const;

const EXPECTED = "an ISO 8601 duration such as 'PT1M', 'PT0.5S', 'P1D' or 'P1DT2H3M4.5S' (or a TimeSpan 'hh:mm:ss')";

/**
 * Converts a duration to milliseconds (rounded to the nearest millisecond).
 *
 * Accepts ISO 8601 `PnYnMnWnDTnHnMnS` (any subset, in that order; a fraction with `.` or `,` only
 * on the last component; designators case-insensitive; `Y` = 365 days and `M` = 30 days as in .NET
 * `XmlConvert`), which is what the official emulator's `Config.json` uses, and the .NET TimeSpan form
 * `[d.]hh:mm:ss[.fffffff]`. Negative durations are refused.
 *
 * @param text - the duration text, e.g. `PT1M`, `PT0.5S`, `P1D`, `00:01:00`.
 * @param field - the JSON path reported in the error; default `duration`.
 * @throws EmulatorConfigError naming `field` when `text` is not a duration of these forms.
 * @example parseIsoDuration('PT1M30S') // 90000
 */
export function parseIsoDuration(text: string, field = 'duration'): number {
  if (typeof text !== 'string') {
    throw new EmulatorConfigError(field, `expected ${EXPECTED} (got ${describe(text)})`);
  }
  const trimmed = text.trim();
  if (trimmed.startsWith('-')) {
    throw new EmulatorConfigError(field, `a duration cannot be negative (got ${JSON.stringify(text)})`);
  }
  const iso = ISO_DURATION.exec(trimmed);
  if (iso !== null) return fromIso(iso, text, field);
  const span = TIME_SPAN.exec(trimmed);
  if (span !== null) return fromTimeSpan(span, text, field);
  throw new EmulatorConfigError(field, `expected ${EXPECTED} (got ${JSON.stringify(text)})`);
}

function fromIso(match: RegExpExecArray, text: string, field: string): number {
  const parts = match.slice(1);
  const present = parts.map((part, index) => (part === undefined ? -1 : index)).filter((index) => index >= 0);
  const hasTime = /T/i.test(text);
  const timePresent = present.some((index) => index >= 4);
  if (present.length === 0 || (hasTime && !timePresent)) {
    throw new EmulatorConfigError(field, `expected ${EXPECTED}; ${JSON.stringify(text)} has no components`);
  }
  let ms = 0;
  for (const index of present) {
    const raw = parts[index] as string;
    if (/[.,]/.test(raw) && index !== present[present.length - 1]) {
      throw new EmulatorConfigError(field, `only the last component of a duration may have a fraction (got ${JSON.stringify(text)})`);
    }
    ms += Number(raw.replace(',', '.')) * (ISO_UNITS_MS[index] as number);
  }
  return finite(Math.round(ms), text, field);
}

function fromTimeSpan(match: RegExpExecArray, text: string, field: string): number {
  const [, days = '0', hours = '0', minutes = '0', seconds = '0', fraction = ''] = match;
  if (Number(hours) > 23 || Number(minutes) > 59 || Number(seconds) > 59) {
    throw new EmulatorConfigError(field, `TimeSpan hours must be 0-23 and minutes/seconds 0-59 (got ${JSON.stringify(text)})`);
  }
  const ms =
    Number(days) * MS_PER_DAY +
    Number(hours) * MS_PER_HOUR +
    Number(minutes) * MS_PER_MINUTE +
    Number(seconds) * MS_PER_SECOND +
    (fraction === '' ? 0 : Number(`0.${fraction}`) * MS_PER_SECOND);
  return finite(Math.round(ms), text, field);
}

function finite(ms: number, text: string, field: string): number {
  if (!Number.isSafeInteger(ms)) throw new EmulatorConfigError(field, `duration is too large (got ${JSON.stringify(text)})`);
  return ms;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  return typeof value;
}
