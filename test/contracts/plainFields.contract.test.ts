import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Sender } from 'rhea';
import { Connection } from 'rhea-promise';
import { plainAttachFields, plainOpenFields } from '../../src/amqp/rhea';
import { assume, next, openSession, rheaPair, until, within, type RheaPair } from './rheaPair';

const HELPER = 'plainFields';
const FIELDS = ['idle_time_out', 'max_frame_size', 'role', 'snd_settle_mode', 'rcv_settle_mode'];

const rheaFrames = require('rhea/lib/frames.js') as { write_frame(frame: object): Buffer; amqp_frame(channel: number, performative: unknown): object };
const encode = (performative: unknown): Buffer => rheaFrames.write_frame(rheaFrames.amqp_frame(0, performative));

/** True when `name` of `performative` is an accessor on its prototype (rhea's composite field). */
function isAccessor(performative: object, name: string): boolean {
  const descriptor = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(performative) as object, name);
  return typeof descriptor?.get === 'function' && typeof descriptor.set === 'function' && !Object.prototype.hasOwnProperty.call(performative, name);
}

let pair: RheaPair;
beforeEach(async () => {
  pair = await rheaPair();
});
afterEach(() => pair.close());

describe(`contract: ${HELPER} (src/amqp/rhea/${HELPER}.ts)`, () => {
  it('rhea and rhea-promise never set these fields of a performative (they are set only when rhea makes it)', () => {
    const libs = [path.dirname(require.resolve('rhea/lib/link.js')), path.dirname(require.resolve('rhea-promise/dist/lib/link.js'))];
    for (const dir of libs) {
      for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.js'))) {
        const source = fs.readFileSync(path.join(dir, file), 'utf8');
        for (const name of FIELDS) assume(!new RegExp(`\\.${name}\\s*=[^=]`).test(source), HELPER, `${path.basename(dir)}/${file} does not assign .${name}`);
      }
    }
  });

  it("a connection's opens and a link's attach keep their values and their frames' bytes", async () => {
    const c = pair.client as unknown as { local: { open: Record<string, unknown> }; remote: { open: Record<string, unknown> } };
    for (const name of ['idle_time_out', 'max_frame_size']) assume(isAccessor(c.local.open, name) && isAccessor(c.remote.open, name), HELPER, `open.${name} is an accessor of rhea's composite`);
    const remote = { idle: c.remote.open['idle_time_out'], max: c.remote.open['max_frame_size'], bytes: encode(c.remote.open) };
    const local = { idle: c.local.open['idle_time_out'], bytes: encode(c.local.open) };
    // plainOpenFields before the connection opens: the peer's open is made plain when it arrives.
    const fresh = new Connection({ host: '127.0.0.1', port: (pair.client as unknown as { options: { port: number } }).options.port, reconnect: false, idle_time_out: 30_000 });
    const rheaConnection = (fresh as unknown as { _connection: { local: { open: Record<string, unknown> }; remote: { open?: Record<string, unknown> } } })._connection;
    plainOpenFields(rheaConnection as never);
    assume(Object.prototype.hasOwnProperty.call(rheaConnection.local.open, 'idle_time_out') && rheaConnection.local.open['idle_time_out'] === 30_000, HELPER, 'the own open keeps its idle_time_out');
    await fresh.open();
    try {
      const open = rheaConnection.remote.open!;
      assume(Object.prototype.hasOwnProperty.call(open, 'idle_time_out') && Object.prototype.hasOwnProperty.call(open, 'max_frame_size'), HELPER, "the peer's open is made plain on connection_open");
      assume(open['idle_time_out'] === remote.idle && open['max_frame_size'] === remote.max, HELPER, "the peer's open keeps the values rhea's accessors gave");
      assume(encode(open).equals(remote.bytes), HELPER, "the peer's open encodes to the same bytes");
    } finally {
      await fresh.close();
    }
    const before = encode(c.local.open);
    (plainOpenFields as (connection: unknown) => void)(pair.client);
    assume(c.local.open['idle_time_out'] === local.idle && encode(c.local.open).equals(before) && before.equals(local.bytes), HELPER, 'the own open keeps its value and bytes');

    const s = await openSession(pair.client);
    const sender = s.attach_sender({ target: { address: 'q' }, snd_settle_mode: 1 }) as Sender;
    const attach = (sender as unknown as { local: { attach: Record<string, unknown> } }).local.attach;
    for (const name of ['role', 'snd_settle_mode', 'rcv_settle_mode']) assume(isAccessor(attach, name), HELPER, `attach.${name} is an accessor of rhea's composite`);
    const values = [attach['role'], attach['snd_settle_mode'], attach['rcv_settle_mode']];
    const bytes = encode(attach);
    plainAttachFields(sender);
    assume(JSON.stringify([attach['role'], attach['snd_settle_mode'], attach['rcv_settle_mode']]) === JSON.stringify(values), HELPER, 'the attach keeps its values');
    assume(encode(attach).equals(bytes), HELPER, 'the attach encodes to the same bytes');
    // The attach rhea writes in its next pass is the same; the link opens and works.
    await within(next(sender, 'sender_open'), HELPER, 'a link whose attach fields are plain opens');
    await within(until(() => sender.sendable(), 'credit'), HELPER, 'the peer gives it credit');
    assume(sender.is_sender() && !sender.is_receiver(), HELPER, 'role reads as before');
  });
});
