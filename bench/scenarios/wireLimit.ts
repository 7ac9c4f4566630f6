import * as path from 'node:path';
import { forkChild, nextMessage, stopChild } from '../lib/child';
import { rawSend } from '../lib/rawSender';

/** Scenario 1: raw rhea sender (this process) to a raw rhea receiver process, no broker. msg/s. */
export async function wireLimit(count: number): Promise<number> {
  const { child, ready } = await forkChild(path.join(__dirname, '..', 'children', 'rheaReceiver.js'), ['listen', '0', String(count), 'sink']);
  const done = nextMessage(child, 'done');
  const sent = await rawSend({ port: Number(ready['port']), address: 'sink', count });
  const result = await done;
  await stopChild(child);
  return count / ((Number(result['last']) - sent.first) / 1000);
}

/** Scenario 2: raw rhea producer and consumer through the broker (its own process). msg/s. */
export async function rawThroughBroker(port: number, count: number, address = 'bench-q'): Promise<number> {
  const { child } = await forkChild(path.join(__dirname, '..', 'children', 'rheaReceiver.js'), ['connect', String(port), String(count), address]);
  const done = nextMessage(child, 'done');
  const sent = await rawSend({ port, address, count, cbs: true });
  const result = await done;
  await stopChild(child);
  return count / ((Number(result['last']) - sent.first) / 1000);
}
