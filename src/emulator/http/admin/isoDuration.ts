/** .NET `TimeSpan.MaxValue` as Service Bus writes it: the "no limit" of TTL and auto-delete-on-idle. */
export const MAX_ISO_DURATION = 'P10675199DT2H48M5.4775807S';

/** Milliseconds as an ISO 8601 duration (`PT1M`, `PT0.5S`, `P1DT2H`); `Infinity` as {@link MAX_ISO_DURATION}. */
export function formatIsoDuration(ms: number): string {
  if (!Number.isFinite(ms)) return MAX_ISO_DURATION;
  const days = Math.floor(ms / 86_400_000);
  let rest = ms - days * 86_400_000;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = rest / 1_000;
  let time = '';
  if (hours > 0) time += `${hours}H`;
  if (minutes > 0) time += `${minutes}M`;
  if (seconds > 0) time += `${Number(seconds.toFixed(3))}S`;
  if (days === 0 && time === '') return 'PT0S';
  return `P${days > 0 ? `${days}D` : ''}${time === '' ? '' : `T${time}`}`;
}
