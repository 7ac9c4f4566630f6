/**
 * Contract test for the broker's internScalars (src/emulator/rhea/internScalars.ts), used by leanEndpoints
 * (a lean session's begin and a lean link's attach, before rhea first writes them) and limitSession (the
 * peer's attach a link keeps): rhea's scalar typed values are replaced by shared ones. rhea must write the
 * frames when their endpoint's `open_requests` asks for it, and the shared values must encode and read
 * as the ones they replace.
 */
import { create_container, types, type Connection } from 'rhea';
import { internScalars } from '../../src/emulator/rhea/internScalars';
import { leanEndpoints } from '../../src/emulator/rhea/leanEndpoints';
import { rheaEndpoints } from '../../src/emulator/rhea/internals';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function assume(holds: boolean, what: string): void {
  if (!holds) throw new Error(`rhea changed: ${what} no longer holds (the broker's rhea/internScalars.ts and leanEndpoints.ts rely on it)`);
}

const Writer = (types as unknown as { Writer: new (buffer?: Buffer) => { write(o: unknown): void; toBuffer(): Buffer } }).Writer;
const encode = (frame: Any): string => {
  const w = new Writer();
  w.write(frame.described());
  return w.toBuffer().toString('hex');
};

function connection(lean: boolean): Any {
  const c = create_container({ id: 'contract' }).create_connection({} as never) as Connection;
  if (lean) leanEndpoints(c);
  return c as unknown as Any;
}

it("rhea writes an endpoint's begin or attach in _process when its state's open_requests asks for it (need_open)", () => {
  const state = new (rheaEndpoints.EndpointState as unknown as new () => Any)();
  assume(state.open_requests === 0 && state.need_open() === false, 'a new EndpointState has open_requests 0 and need_open() false');
  state.open();
  assume(state.open_requests === 1 && state.need_open() === true && state.open_requests === 0, 'open() counts an open request that need_open() takes');
  const session = String((rheaEndpoints.Session as unknown as { prototype: Any }).prototype['_process']);
  const link = String((rheaEndpoints.Sender as unknown as { prototype: Any }).prototype['_process']);
  assume(/if \(this\.state\.need_open\(\)\) \{\s*this\.output\(this\.local\.begin\);/.test(session), "Session's _process writes local.begin when need_open()");
  assume(/if \(this\.state\.need_open\(\)\) \{\s*this\.session\.output\(this\.local\.attach\);/.test(link), "a link's _process writes local.attach when need_open()");
});

it('a lean session and link write the bytes of a rhea one, and share the scalar values of what they keep', () => {
  const written: string[][] = [[], []];
  const sessions = [connection(false), connection(true)].map((c, i) => {
    c._write_frame = (_channel: number, frame: Any) => written[i]!.push(encode(frame));
    c._register = () => undefined;
    const s = c.create_session();
    s.begin();
    s.local.begin.handle_max = 1023;
    return s;
  });
  const options = { name: 's', source: { address: 'a' }, target: { address: 'b' }, snd_settle_mode: 1, rcv_settle_mode: 0 };
  const links = sessions.map((s) => [s.attach_sender(options), s.attach_receiver({ name: 'r', source: { address: 'q' } }), s.attach_sender({ name: 't', target: {} })]);
  for (const s of sessions) s._process();
  expect(written[1]).toEqual(written[0]);
  expect(written[0]!.length).toBe(4);
  // A second lean session shares the values, which stay as they were.
  const lean = connection(true);
  lean._write_frame = () => undefined;
  lean._register = () => undefined;
  const other = lean.create_session();
  other.begin();
  const link = other.attach_sender(options);
  other._process();
  const first = sessions[1]!;
  expect(other.local.begin.value[2]).toBe(first.local.begin.value[2]);
  expect(Object.isFrozen(other.local.begin.value[2])).toBe(true);
  expect(link.local.attach.value[2]).toBe(links[1]![0].local.attach.value[2]);
  expect(link.local.attach.value[5].descriptor).toBe(links[1]![0].local.attach.value[5].descriptor);
  for (const field of ['next_outgoing_id', 'incoming_window', 'outgoing_window', 'handle_max']) expect(first.local.begin[field]).toEqual(sessions[0]!.local.begin[field]);
  for (const [i, l] of links[1]!.entries()) {
    for (const field of ['name', 'handle', 'role', 'snd_settle_mode', 'rcv_settle_mode', 'initial_delivery_count', 'source', 'target']) {
      expect(l.local.attach[field]).toEqual(links[0]![i].local.attach[field]);
    }
  }
});

it("a peer's attach reads and encodes the same once its scalars are shared", () => {
  const frames = require('rhea/lib/frames.js') as Record<string, (fields: object) => Any>; // eslint-disable-line @typescript-eslint/no-require-imports
  const fields = {
    name: 'n',
    handle: 7,
    role: true,
    snd_settle_mode: 1,
    rcv_settle_mode: 0,
    source: { address: 'a' },
    target: null,
    incomplete_unsettled: false,
    initial_delivery_count: 0,
    max_message_size: 262_144,
    offered_capabilities: 'x',
    properties: { k: 'v' },
  };
  const reader = (bytes: Buffer): Any => new (types as unknown as { Reader: new (b: Buffer) => { read(): Any } }).Reader(bytes).read();
  const w = new Writer();
  w.write(frames['attach']!(fields).described());
  const bytes = w.toBuffer();
  const read = () => {
    const described = reader(bytes);
    const c = new (frames['attach']!({}).constructor as new (value: unknown) => Any)(described.value);
    return c;
  };
  const [plain, shared] = [read(), read()];
  internScalars(shared.value);
  const names = ['name', 'handle', 'role', 'snd_settle_mode', 'rcv_settle_mode', 'source', 'target', 'unsettled', 'incomplete_unsettled', 'initial_delivery_count', 'max_message_size', 'offered_capabilities', 'desired_capabilities', 'properties'];
  for (const name of names) expect(shared[name]).toEqual(plain[name]);
  expect(encode(shared)).toBe(encode(plain));
  expect(encode(shared)).toBe(bytes.toString('hex'));
  expect(shared.value.filter((v: unknown) => Object.isFrozen(v)).length).toBeGreaterThanOrEqual(5);
  // Numbers beyond the table, strings and described values are left as they are.
  expect(Object.isFrozen(shared.value[10])).toBe(false);
  expect(Object.isFrozen(shared.value[0])).toBe(false);
  // So are values of types a performative's scalar fields do not use (the table stays small whatever a peer encodes).
  const wrap = types as unknown as Record<string, (v: number) => Any>;
  const others = [wrap['wrap_int']!(5), wrap['wrap_long']!(5), wrap['wrap_double']!(5), wrap['wrap_short']!(5)];
  const fieldsOfOthers = [...others];
  internScalars(fieldsOfOthers);
  expect(fieldsOfOthers.every((v, i) => v === others[i] && !Object.isFrozen(v))).toBe(true);
  // rhea's types carry the typecode the table is keyed on.
  assume(wrap['wrap_uint']!(300).type.typecode === 0x70 && wrap['wrap_ubyte']!(1).type.typecode === 0x50, "rhea's typed values carry their type's typecode");
});
