import { demoUsage } from './demo/demoUsage';
import { processDemoIo, type DemoIo } from './demo/DemoIo';
import { parseDemoArgs } from './demo/parseDemoArgs';
import { runDemoScenario } from './demo/runDemoScenario';
import { UsageError } from './UsageError';

/**
 * `servicebus-rx demo [--duration S] [--sessions N] [--messages N] [--plain]`: starts the embedded broker
 * in-process, produces per-customer order sessions, processes them with session pools (auto-renew on,
 * one worker losing its lock on purpose) under a live view, and ends with a summary.
 * @returns the exit code: 0 nothing lost (every message completed or dead-lettered) or `--help`,
 *   1 something lost or failed, 2 bad command line (one line + usage on stderr).
 */
export async function runDemo(argv: readonly string[], io: DemoIo = processDemoIo): Promise<number> {
  let args;
  try {
    args = parseDemoArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err(`servicebus-rx demo: ${e.message}\n\n${e.usage}`);
    return 2;
  }
  if (args.help) {
    io.write(demoUsage);
    return 0;
  }
  return runDemoScenario(args, io);
}
