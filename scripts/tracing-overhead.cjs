#!/usr/bin/env node
/**
 * Client CPU of receive + complete with tracing off and on (docs/observability.md).
 *
 *   npm run build && node scripts/tracing-overhead.cjs [messages=20000] [rounds=3]
 *   (MODES=absent,api picks the modes; default all three)
 *
 * Starts the emulator CLI in a child process (its CPU is not counted), then for each mode runs a
 * fresh client process that sends N messages to one session of `session.1`, and measures its own
 * CPU (process.cpuUsage) while accepting the session and receiving + completing all N:
 *   absent   — `@opentelemetry/api` cannot be resolved (the optional peer not installed)
 *   api      — the API installed, no tracer/meter provider registered
 *   recorded — a BasicTracerProvider (SimpleSpanProcessor → InMemorySpanExporter) and a MeterProvider
 * Figures are the median of `rounds` runs per mode.
 */
const { spawn, execFileSync } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const N = Number(process.argv[2] ?? 20000);
const ROUNDS = Number(process.argv[3] ?? 3);

if (process.argv[2] === '--child') return child(process.argv[3], process.argv[4], Number(process.argv[5]));

async function main() {
  const emulator = spawn(process.execPath, [path.join(root, 'dist/cli/main.js'), 'emulator', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const connectionString = await new Promise((resolve, reject) => {
    let out = '';
    emulator.stdout.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve(out.trim());
    });
    emulator.once('exit', (code) => reject(new Error(`emulator exited ${code}`)));
  });
  try {
    const results = {};
    for (let r = 0; r < ROUNDS; r++) {
      for (const mode of (process.env.MODES ?? 'absent,api,recorded').split(',')) {
        const out = execFileSync(process.execPath, [__filename, '--child', mode, connectionString, String(N)], { encoding: 'utf8' });
        (results[mode] ??= []).push(JSON.parse(out));
      }
    }
    console.log(`receive + complete of ${N} messages, client CPU (user+system), median of ${ROUNDS}:`);
    for (const [mode, runs] of Object.entries(results)) {
      const cpu = runs.map((x) => x.cpuMs).sort((a, b) => a - b)[Math.floor(runs.length / 2)];
      const spans = runs[0].spans;
      console.log(`  ${mode.padEnd(9)} ${cpu.toFixed(0).padStart(6)} ms  (${((cpu * 1000) / N).toFixed(1)} µs/message; ${spans} spans)`);
    }
  } finally {
    emulator.kill('SIGTERM');
  }
}

async function child(mode, connectionString, n) {
  let spans;
  if (mode === 'absent') {
    const Module = require('node:module');
    const resolve = Module._resolveFilename;
    Module._resolveFilename = function (request, ...rest) {
      if (request === '@opentelemetry/api') throw Object.assign(new Error(`Cannot find module '${request}'`), { code: 'MODULE_NOT_FOUND' });
      return resolve.call(this, request, ...rest);
    };
  } else if (mode === 'recorded') {
    const { trace, metrics } = require('@opentelemetry/api');
    const { BasicTracerProvider, SimpleSpanProcessor, InMemorySpanExporter } = require('@opentelemetry/sdk-trace-base');
    const { MeterProvider } = require('@opentelemetry/sdk-metrics');
    spans = new InMemorySpanExporter();
    trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] }));
    metrics.setGlobalMeterProvider(new MeterProvider());
  }
  const { firstValueFrom, lastValueFrom, take, mergeMap, count } = require('rxjs');
  const { ServiceBusClient } = require(path.join(root, 'dist'));
  const client = new ServiceBusClient(connectionString);
  const sessionId = `${mode}-${process.pid}`;
  const batch = [];
  for (let i = 0; i < n; i++) batch.push({ body: `m${i}`, sessionId });
  for (let i = 0; i < n; i += 500) await lastValueFrom(client.send('session.1', batch.slice(i, i + 500)));
  const sent = spans?.getFinishedSpans().length ?? 0;
  const before = process.cpuUsage();
  const session = await firstValueFrom(client.acceptSession('session.1', sessionId, { maxCredit: 500 }));
  await lastValueFrom(session.messages$.pipe(take(n), mergeMap((m) => m.complete(), 500), count()));
  const used = process.cpuUsage(before);
  const recorded = (spans?.getFinishedSpans().length ?? 0) - sent;
  await session.close();
  await client.close();
  process.stdout.write(JSON.stringify({ cpuMs: (used.user + used.system) / 1000, spans: recorded }));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
