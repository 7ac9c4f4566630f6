/**
 * Contract test for the broker's leanConnection (src/emulator/rhea/leanConnection.ts): a copy of rhea's
 * Connection constructor for accepted connections that puts rhea's per-instance accessors on a prototype
 * and shares the closures rhea makes per connection. The copy must still be of the code rhea runs, and a
 * lean connection must hold what rhea's holds.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { create_container, type Connection } from 'rhea';
import { createLeanConnection } from '../../src/emulator/rhea/leanConnection';
import { leanEndpoints } from '../../src/emulator/rhea/leanEndpoints';
import { rheaConnectionParts } from '../../src/emulator/rhea/internals';

/** sha256 of the rhea 3.0.5 code leanConnection copies. */
const COPIED: Record<string, string> = {
  Connection: 'f3bdc983af6dc2b2a673e42b126c6b7504bf0a8c3257a95881bc6595c3d96984',
  session_per_connection: 'f2e55f037e10ffc6c89ef23746d29332fb1837af6cc352435b24a8a8d5139766',
};

function assume(holds: boolean, what: string): void {
  if (!holds) throw new Error(`rhea changed: ${what} no longer holds (the broker's rhea/leanConnection.ts copies it; re-read connection.js)`);
}

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const sha256 = (code: unknown): string => createHash('sha256').update(String(code)).digest('hex');
const source = readFileSync(require.resolve('rhea/lib/connection.js'), 'utf8');
const ALIASES = ['container_id', 'hostname', 'max_frame_size', 'channel_max', 'idle_time_out', 'outgoing_locales', 'incoming_locales', 'offered_capabilities', 'desired_capabilities', 'properties'];
const OPTIONS = { max_frame_size: 65_536, channel_max: 99 };

function pair(): [Any, Any] {
  const container = create_container({ id: 'contract' });
  return [container.create_connection({ ...OPTIONS } as never) as unknown as Any, createLeanConnection(container, { ...OPTIONS } as never) as unknown as Any];
}

it("rhea's Connection constructor is the code the broker's copy was made from, and what it shares is read only for connections rhea opens", () => {
  assume(sha256(rheaConnectionParts.Connection) === COPIED['Connection'], `Connection is rhea 3.0.5's (sha256 ${sha256(rheaConnectionParts.Connection)})`);
  const policy = /function session_per_connection[\s\S]*?\n}\n/.exec(source)?.[0];
  assume(sha256(policy) === COPIED['session_per_connection'], `session_per_connection is rhea 3.0.5's (sha256 ${sha256(policy)})`);
  // The reconnect backoff is called only for a connection rhea opened; connection_details only by connect() and reconnect().
  assume((source.match(/this\.options\.reconnect\(/g) ?? []).length === 1 && source.includes('if (!this.is_server && !this.transport_error && this.options.reconnect) {'), 'options.reconnect is called only when !is_server');
  assume((source.match(/this\.options\.connection_details\(/g) ?? []).length === 2, 'options.connection_details is called only by connect() and reconnect()');
});

it('a lean connection holds the fields of a rhea connection, with its accessors on the prototype', () => {
  const [plain, lean] = pair();
  const descriptors = (o: Any) => Object.getOwnPropertyDescriptors(o);
  const keys = (o: Any) => Object.entries(descriptors(o)).filter(([, d]) => d.get === undefined).map(([k]) => k);
  const accessors = (o: Any) => Object.entries(descriptors(o)).filter(([, d]) => d.get !== undefined).map(([k]) => k);
  expect(keys(lean)).toEqual(keys(plain));
  expect(accessors(plain).sort()).toEqual([...ALIASES, 'error'].sort());
  expect(accessors(lean)).toEqual([]);
  expect(lean).toBeInstanceOf(rheaConnectionParts.Connection as never);
  expect(Object.keys(lean.options).sort()).toEqual(Object.keys(plain.options).sort());
  for (const k of ['max_frame_size', 'channel_max', 'container_id']) expect(lean.options[k]).toEqual(plain.options[k]);
  expect(lean.options.id).toMatch(/^connection-\d+$/);
  expect(typeof lean.options.reconnect).toBe('function');
  expect(lean.options.reconnect(0)).toBe(-1);
  expect(() => lean.options.connection_details(0)).toThrow();
  expect(lean.local.open.value).toEqual(plain.local.open.value);
  expect(lean.local.close.value).toEqual(plain.local.close.value);
  for (const c of [plain, lean]) c.local.close.error = { condition: 'amqp:internal-error' };
  expect(lean.local.close.value).toEqual(plain.local.close.value);
  expect(lean.amqp_transport.identifier).toBe(lean.options.id);
  expect([lean.amqp_transport.protocol_id, lean.amqp_transport.frame_type]).toEqual([plain.amqp_transport.protocol_id, plain.amqp_transport.frame_type]);
  expect(lean.transport).toBe(lean.amqp_transport);
  expect(lean.state.constructor).toBe(plain.state.constructor);
  for (const c of [plain, lean]) {
    c.remote.open = Object.fromEntries(ALIASES.map((a) => [a, `v-${a}`]));
    c.remote.close = { error: { condition: 'e' } };
  }
  for (const alias of [...ALIASES, 'error']) expect(lean[alias]).toEqual(plain[alias]);
});

it("a lean connection's session policy opens one session for attach_sender / attach_receiver, as rhea's does", () => {
  const [, lean] = pair();
  leanEndpoints(lean as unknown as Connection);
  lean.dispatch = () => false;
  lean._register = () => undefined;
  const session = lean.session_policy.get_session();
  expect(lean.session_policy.get_session()).toBe(session);
  expect(session.local.channel).toBe(0);
  session.observers.emit('session_close');
  expect(lean.session_policy.get_session()).not.toBe(session);
});
