import * as path from 'node:path';
import { forkChild, nextMessage, stopChild } from '../lib/child';
import { rawSend } from '../lib/rawSender';

/** What one fan-out run measured. */
export interface FanOutRate {
  /** Messages sent to the topic per second (first send → last copy received). */
  readonly topicMsgS: number;
  /** Copies delivered per second, all subscriptions together (= topicMsgS × subscriptions). */
  readonly deliveriesMsgS: number;
}

/**
 * Scenario 7: one topic → `subscriptions` subscriptions (`$Default` rule each): a raw rhea sender
 * sends `count` messages to the topic; one raw rhea receiver process reads every subscription (one
 * link each, accepted on arrival) until it has `count` copies from each.
 */
export async function fanOutThroughBroker(port: number, topic: string, subscriptions: number, count: number): Promise<FanOutRate> {
  const addresses = Array.from({ length: subscriptions }, (_, i) => `${topic}/Subscriptions/s${i}`).join(',');
  const { child } = await forkChild(path.join(__dirname, '..', 'children', 'rheaReceiver.js'), ['connect', String(port), String(count), addresses]);
  const done = nextMessage(child, 'done');
  const sent = await rawSend({ port, address: topic, count, cbs: true });
  const result = await done;
  await stopChild(child);
  const seconds = (Number(result['last']) - sent.first) / 1000;
  return { topicMsgS: count / seconds, deliveriesMsgS: (count * subscriptions) / seconds };
}
