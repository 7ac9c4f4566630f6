/**
 * Contract test for the broker's sendReply (src/emulator/rhea/sendReply.ts), rhea's
 * `Sender.send(bytes, undefined, 0)` and `Session.send` restated: the restatement must be of the code
 * rhea runs, and a reply sent either way must make the same delivery and arrive the same.
 */
import { createHash } from 'node:crypto';
import { message as rheaMessage, type EventContext, type Sender } from 'rhea';
import { sendReply } from '../../src/emulator/rhea/sendReply';
import { rheaPair, until, within, type RheaPair } from './rheaPair';

/** sha256 of rhea 3.0.5's `Sender.prototype.send`, `Session.prototype.send` and `Sender.prototype.next_tag` sources. */
const SOURCES_SHA256 = {
  'Sender.send': 'dea421c2f6381318dd8f21306d0a2c6855662f2df71d78d254742fe80343c486',
  'Session.send': '68fcd1b98ddb0b95cfc47dc400563e5b8251eda5e792faf3756797fb59a6d29d',
  'Sender.next_tag': '744bc80000f296e76ce2c86e06b4afd5b85d8708b55b62baff5fffe34f47b6cf',
};

function assume(holds: boolean, what: string): void {
  if (!holds) throw new Error(`rhea changed: ${what} no longer holds (the broker's rhea/sendReply.ts restates it; re-read link.js Sender.send and session.js Session.send)`);
}

let pair: RheaPair;
beforeEach(async () => {
  pair = await rheaPair();
});
afterEach(() => pair.close());

it("rhea's Sender.send, Session.send and Sender.next_tag are the code sendReply restates", () => {
  const { Sender: RheaSender } = require('rhea/lib/link.js') as { Sender: { prototype: Record<string, unknown> } };
  const RheaSession = require('rhea/lib/session.js') as { prototype: Record<string, unknown> };
  const sha = (f: unknown): string => createHash('sha256').update(String(f)).digest('hex');
  const now = { 'Sender.send': sha(RheaSender.prototype['send']), 'Session.send': sha(RheaSession.prototype['send']), 'Sender.next_tag': sha(RheaSender.prototype['next_tag']) };
  for (const [name, expected] of Object.entries(SOURCES_SHA256)) assume(now[name as keyof typeof now] === expected, `${name} is rhea 3.0.5's (sha256 now ${now[name as keyof typeof now]})`);
});

it('makes the delivery rhea makes for sender.send(bytes, undefined, 0), and the peer receives the same', async () => {
  const sendVia = async (address: string, send: (sender: Sender, bytes: Buffer) => unknown): Promise<{ deliveries: Record<string, unknown>[]; received: EventContext[] }> => {
    const receiver = pair.client.open_receiver({ source: { address }, autoaccept: false });
    const received: EventContext[] = [];
    receiver.on('message', (context: EventContext) => received.push(context));
    const sender = await pair.nextSender();
    (sender as unknown as { local: { attach: { snd_settle_mode: number } } }).local.attach.snd_settle_mode = 1;
    await until(() => sender.sendable(), 'the peer can send');
    const deliveries = ['one', 'two', 'x'.repeat(3000)].map((body) => send(sender, rheaMessage.encode({ body, correlation_id: `c:${body.length}` })) as Record<string, unknown>);
    await within(until(() => received.length === 3, 'three replies arrive'), 'sendReply', 'replies arrive');
    return { deliveries, received };
  };
  const theirs = await sendVia('rhea', (sender, bytes) => sender.send(bytes as never, undefined, 0));
  const ours = await sendVia('ours', sendReply);
  for (let i = 0; i < 3; i++) {
    const [a, b] = [theirs.deliveries[i]!, ours.deliveries[i]!];
    expect(b['settled']).toBe(true);
    for (const key of Object.keys(a)) if (key !== 'link' && key !== 'id' && typeof a[key] !== 'function') expect(b[key]).toEqual(a[key]);
    expect(ours.received[i]!.message).toEqual(theirs.received[i]!.message);
    expect(ours.received[i]!.delivery!.tag).toEqual(theirs.received[i]!.delivery!.tag);
    expect(ours.received[i]!.delivery!.remote_settled).toBe(true);
    expect(theirs.received[i]!.delivery!.remote_settled).toBe(true);
  }
});
