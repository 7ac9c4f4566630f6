import { connect as tcpConnect } from 'node:net';
import { fuzzCase, type CaseKind } from './fuzzCases';
import { caseRandom } from './prng';

/** What a batch of fuzz cases did. */
export interface CasesReport {
  cases: number;
  frames: number;
  bytes: number;
  byKind: Record<CaseKind, number>;
  /** Cases whose socket the broker closed (the rest were closed by the fuzzer after `lingerMs`). */
  closedByBroker: number;
}

export interface CasesOptions {
  readonly port: number;
  readonly seed: number;
  /** Stop once this many frames were sent. */
  readonly frames: number;
  /** Connections at once. */
  readonly concurrency: number;
  /** How long a connection stays after its last write (unless the broker closes it first). */
  readonly lingerMs: number;
  /** First case index (to replay one case: `from` = its index, `frames` = 1). */
  readonly from?: number;
  /** Only cases of these kinds (others are skipped, keeping every case's index). Default: all. */
  readonly kinds?: readonly CaseKind[];
}

/**
 * Runs fuzz cases against the broker on `port`: case i is built from (seed, i) only, so a run is
 * reproducible by its seed and any case by its index. Each case is one connection.
 */
export async function runCases(options: CasesOptions): Promise<CasesReport> {
  const report: CasesReport = { cases: 0, frames: 0, bytes: 0, byKind: { random: 0, mutated: 0, bomb: 0, abuse: 0 }, closedByBroker: 0 };
  let next = options.from ?? 0;
  const worker = async (): Promise<void> => {
    while (report.frames < options.frames) {
      const index = next++;
      const built = fuzzCase(caseRandom(options.seed, index), options.port);
      if (options.kinds !== undefined && !options.kinds.includes(built.kind)) continue;
      report.cases++;
      report.frames += built.frames;
      report.byKind[built.kind]++;
      for (const chunk of built.chunks) report.bytes += chunk.length;
      if (await runOne(options.port, built.chunks, options.lingerMs)) report.closedByBroker++;
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return report;
}

/** One connection: writes `chunks`, reads and drops what comes back; true when the broker closed it. */
function runOne(port: number, chunks: readonly Buffer[], lingerMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host: '127.0.0.1', port });
    let byUs = false;
    let timer: NodeJS.Timeout | undefined;
    socket.on('error', () => undefined);
    socket.on('data', () => undefined);
    socket.on('connect', () => {
      for (const chunk of chunks) if (!socket.destroyed) socket.write(chunk);
      timer = setTimeout(() => {
        byUs = true;
        socket.destroy();
      }, lingerMs);
    });
    socket.on('close', () => {
      if (timer !== undefined) clearTimeout(timer);
      resolve(!byUs);
    });
  });
}
