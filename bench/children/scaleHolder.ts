/**
 * Scenario 5 (one process per run, so RSS and CPU are this client's alone): accept `count` sessions
 * on ONE client connection with auto-renew, hold them for `holdMs`, count lost locks.
 * argv: impl (rx|sdk), connectionString, queue, count, holdMs, prefix.
 * Reports {type:'done', accepted, lost, rssPeakMb, cpuMs, acceptMs, holdMs}.
 */

const [impl, connectionString, queue, countText, holdText, prefix] = process.argv.slice(2);

let rssPeak = 0;
const sampler = setInterval(() => {
  rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
}, 500);

async function main(): Promise<void> {
  // Only the measured client is loaded: the other one's modules would count in this process's RSS.
  const run = impl === 'sdk' ? (await import('../scenarios/scaleSdk')).holdWithSdk : (await import('../scenarios/scaleRx')).holdWithRx;
  const result = await run(connectionString!, queue!, Number(countText), Number(holdText), prefix!);
  clearInterval(sampler);
  rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
  process.send!({ type: 'done', ...result, rssPeakMb: rssPeak / 2 ** 20 });
}
process.send!({ type: 'ready' });
main().catch((e: unknown) => {
  process.send!({ type: 'failed', message: String((e as Error)?.stack ?? e) });
});
