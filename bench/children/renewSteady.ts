/**
 * Renewal latency in steady state, in a process of its own (so the parent bench process, whose
 * renewLock row is measured after 50 warm-up calls, is not warmed by it): accept one session and
 * time `calls` sequential renewals after `warmup` untimed ones.
 * argv: impl (rx|sdk), connectionString, queue, sessionId, calls, warmup.
 * Reports {type:'done', p50, p99} (ms).
 */

const [impl, connectionString, queue, sessionId, callsText, warmupText] = process.argv.slice(2);

async function main(): Promise<void> {
  // Only the measured client is loaded, as in scaleHolder.
  const measure = impl === 'sdk' ? (await import('../scenarios/sdkSessions')).sdkRenewLatency : (await import('../scenarios/rxSessions')).rxRenewLatency;
  const result = await measure(connectionString!, queue!, sessionId!, Number(callsText), Number(warmupText));
  process.send!({ type: 'done', ...result });
}
process.send!({ type: 'ready' });
main().catch((e: unknown) => {
  process.send!({ type: 'failed', message: String((e as Error)?.stack ?? e) });
});

export {}; // a module, not a global script (its names are its own)
