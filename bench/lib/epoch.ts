import { performance } from 'node:perf_hooks';

/** Sub-millisecond wall-clock time comparable across processes on one machine. */
export function epochMs(): number {
  return performance.timeOrigin + performance.now();
}
