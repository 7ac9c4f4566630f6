/**
 * Contract test for the broker's leanEndpoints (src/emulator/rhea/leanEndpoints.ts): copies of rhea's
 * session and link constructors that put rhea's per-instance accessors on a prototype instead. The copies
 * must still be of the code rhea runs, and a lean session or link must hold what rhea's hold.
 */
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { create_container, type Connection } from 'rhea';
import { leanEndpoints } from '../../src/emulator/rhea/leanEndpoints';
import { observersIfAny } from '../../src/emulator/rhea/lazyObservers';
import { quietDispatch } from '../../src/emulator/rhea/quietDispatch';
import { connectionInternals, rheaEndpoints } from '../../src/emulator/rhea/internals';

/** sha256 of the rhea 3.0.5 code leanEndpoints copies. */
const COPIED: Record<string, string> = {
  'Connection.prototype.create_session': 'e18c3d65b3c95d0f2c257afa1f5b47c39c5c485b37e93cdc335968edfc0cb6ae',
  Session: '81eb1010ed34322d75a101ce4d212f8b8cd2e540f1301fc0131d3476f2b930b6',
  Incoming: '472eeea25cb466e2702d7f27884921bd0c4e51a186e206584efca1ba9a128850',
  'Session.prototype.create_link': '8ce621e0b8427381db85a877ddb04f070a9ec09879f127614e1c967c87a1adbb',
  'link.init': '3acf155a0c26ec3296659e5c13dc8a779c07621c00335b7b8819da29926a9cd9',
};

function assume(holds: boolean, what: string): void {
  if (!holds) throw new Error(`rhea changed: ${what} no longer holds (the broker's rhea/leanEndpoints.ts copies it; re-read session.js, link.js and connection.js)`);
}

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const sha256 = (code: unknown): string => createHash('sha256').update(String(code)).digest('hex');

function connection(lean: boolean): Any {
  const c = create_container({ id: 'contract' }).create_connection({} as never) as Connection;
  if (lean) leanEndpoints(c);
  return c as unknown as Any;
}

/** Own data fields (accessors excluded), in order, and whether any own property is an accessor. */
function shape(o: Any): { keys: string[]; accessors: string[] } {
  const descriptors = Object.getOwnPropertyDescriptors(o);
  return {
    keys: Object.keys(descriptors).filter((k) => descriptors[k]!.get === undefined),
    accessors: Object.keys(descriptors).filter((k) => descriptors[k]!.get !== undefined),
  };
}

it("rhea's session and link constructors are the code the broker's copies were made from", () => {
  const session = connection(false).create_session();
  const sources: Record<string, unknown> = {
    'Connection.prototype.create_session': (connection(false) as Any).create_session,
    Session: rheaEndpoints.Session,
    Incoming: session.incoming.constructor,
    'Session.prototype.create_link': session.create_link,
    'link.init': rheaEndpoints.Sender.prototype && (rheaEndpoints.Sender.prototype as Any)['init'],
  };
  for (const [name, sha] of Object.entries(COPIED)) assume(sha256(sources[name]) === sha, `${name} is rhea 3.0.5's (sha256 ${sha256(sources[name])})`);
  // A lean session does not keep its peer's begin frame: rhea only stores it (Session.on_begin).
  const lib = dirname(require.resolve('rhea'));
  const rheaLib = readdirSync(lib).filter((f) => f.endsWith('.js')).map((f) => readFileSync(join(lib, f), 'utf8')).join('\n');
  assume((rheaLib.match(/remote\.begin/g) ?? []).length === 1 && rheaLib.includes('this.remote.begin = frame.performative;'), 'rhea stores remote.begin in Session.on_begin and reads it nowhere');
});

it('a lean session holds the fields of a rhea session, with its accessors on the prototype', () => {
  for (const size of [undefined, 100, { incoming: 7, outgoing: 9 }]) {
    const [plain, lean] = [connection(false).create_session(size), connection(true).create_session(size)];
    // All of rhea's fields but `observers`, which a lean session makes when first asked for.
    expect(shape(lean).keys).toEqual(shape(plain).keys.filter((k) => k !== 'observers'));
    expect(shape(lean.incoming).keys).toEqual(shape(plain.incoming).keys);
    expect(shape(lean).accessors).toEqual([]);
    expect(shape(lean.incoming).accessors).toEqual([]);
    expect(lean.incoming.deliveries.capacity).toBe(plain.incoming.deliveries.capacity);
    expect(lean.outgoing.deliveries.capacity).toBe(plain.outgoing.deliveries.capacity);
    for (const field of ['next_transfer_id', 'max_transfer_id', 'window', 'next_delivery_id', 'remote_window']) expect(lean.incoming[field]).toEqual(plain.incoming[field]);
    expect(lean.local.begin.value).toEqual(plain.local.begin.value);
    expect(lean.local.end.value).toEqual(plain.local.end.value);
    expect(lean.local.channel).toBe(plain.local.channel);
    expect(Object.keys(lean.local.handles)).toEqual([]);
    expect(lean.remote.handles).toEqual(plain.remote.handles);
    expect([lean.remote.channel, lean.remote.end]).toEqual([plain.remote.channel, plain.remote.end]);
    // The end frame is made when first used, and takes an error as rhea's does.
    for (const s of [plain, lean]) s.local.end.error = { condition: 'amqp:internal-error' };
    expect(lean.local.end.value).toEqual(plain.local.end.value);
    // The peer's begin frame is not kept (rhea stores it and never reads it).
    for (const s of [plain, lean]) s.remote.begin = { incoming_window: 1 };
    expect(lean.remote.begin).toBeUndefined();
    expect(lean).toBeInstanceOf(rheaEndpoints.Session);
    expect(lean.error).toBeUndefined();
    lean.remote.end = { error: { condition: 'x' } };
    expect(lean.error).toEqual({ condition: 'x' });
    lean.incoming.deliveries.push({});
    expect(lean.incoming.window).toBe(lean.incoming.deliveries.capacity - 1);
    // Observers: none until asked for, then one emitter that stays (and rhea's dispatch emits on it).
    expect(observersIfAny(lean)).toBeUndefined();
    expect(observersIfAny(plain)).toBe(plain.observers);
    const observers = lean.observers;
    expect(observers).toBeInstanceOf(EventEmitter);
    expect(lean.observers).toBe(observers);
    expect(observersIfAny(lean)).toBe(observers);
    const seen: unknown[] = [];
    observers.on('contract_event', (context: unknown) => seen.push(context));
    lean.dispatch('contract_event', 'x');
    expect(seen).toEqual(['x']);
    expect(connection(true).create_session(size).observers).not.toBe(observers);
    // The broker's quiet dispatch does not make them, and emits on them once they exist.
    const quiet = connection(true).create_session(size);
    quietDispatch(quiet, 'session');
    quiet.dispatch('contract_event', 'y');
    expect(observersIfAny(quiet)).toBeUndefined();
    quiet.observers.on('contract_event', (context: unknown) => seen.push(context));
    quiet.dispatch('contract_event', 'z');
    expect(seen).toEqual(['x', 'z']);
  }
  // Channels are taken as rhea takes them: the lowest free one.
  const c = connection(true);
  expect([c.create_session().local.channel, c.create_session().local.channel]).toEqual([0, 1]);
  expect(c.local_channel_map[1]).toBeDefined();
});

it('a lean sender or receiver holds the fields of a rhea one, with its accessors on the prototype', () => {
  const options = { source: { address: 'a' }, target: { address: 'b' }, max_message_size: 99, snd_settle_mode: 1, name: 'ignored', autosettle: true };
  const [plain, lean] = [connection(false).create_session(), connection(true).create_session()];
  for (const attach of ['attach_sender', 'attach_receiver']) {
    const [p, l] = [plain[attach](options), lean[attach](options)];
    // rhea's fields, and (from fastEvents) the link's own listener table, which a rhea link makes with its first listener.
    expect(shape(l).keys.filter((k) => k !== '_events' && k !== '_eventsCount')).toEqual(shape(p).keys);
    expect(shape(l).keys.slice(shape(l).keys.indexOf('observers') + 1, shape(l).keys.indexOf('observers') + 3)).toEqual(['_events', '_eventsCount']);
    expect(l.listenerCount('x')).toBe(0);
    expect(shape(l).accessors).toEqual([]);
    expect(l.local.attach.value).toEqual(p.local.attach.value);
    expect(l.local.detach.value).toEqual(p.local.detach.value);
    expect(l.local.handle).toBe(p.local.handle);
    expect(l.constructor).toBe(p.constructor);
    expect(l).toBeInstanceOf(p.constructor);
    expect(l.is_receiver()).toBe(p.is_receiver());
    expect(l.credit).toBe(p.credit);
    expect(l.observers.eventNames()).toEqual(p.observers.eventNames());
    for (const link of [p, l]) {
      link.remote.attach = { snd_settle_mode: 1, rcv_settle_mode: 0, source: 's', target: 't', max_message_size: 5, offered_capabilities: 'o', desired_capabilities: 'd', properties: { k: 1 } };
      link.remote.detach = { error: { condition: 'e' } };
    }
    for (const alias of ['snd_settle_mode', 'rcv_settle_mode', 'source', 'target', 'max_message_size', 'offered_capabilities', 'desired_capabilities', 'properties', 'error']) {
      expect(l[alias]).toEqual(p[alias]);
    }
    // The detach frame (made when first used) takes a close's error as rhea's does.
    for (const link of [p, l]) link.close({ condition: 'amqp:internal-error', description: 'x' });
    expect(l.local.detach.value).toEqual(p.local.detach.value);
    expect(l.local.detach.error).toEqual(p.local.detach.error);
    expect(lean.links[l.name]).toBe(l);
    expect(lean.local.handles[l.local.handle]).toBe(l);
  }
});

it("a client's begin and attach reach the broker's connection through create_session (Connection.on_begin) and create_link (Session.on_attach)", () => {
  const c = connection(true);
  connectionInternals(c as unknown as Connection).on_begin({ channel: 3, performative: { remote_channel: null, next_outgoing_id: 0, incoming_window: 10, outgoing_window: 10 } } as never);
  const session = c.remote_channel_map[3];
  expect(shape(session).accessors).toEqual([]);
  session.on_attach({ channel: 3, performative: { name: 'l', handle: 0, role: true, source: { address: 'x' } } });
  const link = session.links['l'];
  expect(shape(link).accessors).toEqual([]);
  expect(link.is_sender()).toBe(true);
  expect(link.source).toBe(link.remote.attach.source);
  expect(link.local.handle).toBe(0);
});
