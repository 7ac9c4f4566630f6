/**
 * Probe (not part of the bench; `node build/bench/scaleProbe.js [holdMs] [count] [node flags…]` after
 * `npm run bench` builds it): starts a broker, runs bench/children/scaleProbeChild.js in its own process
 * with the given Node flags, and passes its output through.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import * as path from 'node:path';
import { startBrokerProcess } from './lib/brokerProcess';
import { runToExit } from './lib/runToExit';

async function main(): Promise<void> {
  const [holdText = '60000', countText = '10000', ...flags] = process.argv.slice(2);
  const broker = await startBrokerProcess();
  try {
    const child = spawn(process.execPath, [...flags, path.join(__dirname, 'children', 'scaleProbeChild.js'), broker.connectionString, 'bench-scale', countText, holdText, `probe-${Date.now()}`], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    await once(child, 'exit');
  } finally {
    await broker.stop();
  }
}
runToExit(main);
