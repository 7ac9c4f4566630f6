/**
 * Contract tests for the rhea internals the broker relies on (all named in src/emulator/rhea/internals.ts).
 * Each checks one assumption against the installed rhea and fails with a message naming what changed:
 * if one fails after a rhea upgrade, the broker module named in the message must be revisited.
 */
import { create_container, type Connection, type Sender, type Session } from 'rhea';
import { AmqpDecodeError } from '../../src/emulator/rhea/AmqpDecodeError';
import { BoundedReader } from '../../src/emulator/rhea/BoundedReader';
import { message } from '../../src/emulator/rhea/codec';
import { RheaReaderBase, connectionInternals, linkInternals, sessionInternals } from '../../src/emulator/rhea/internals';
import { UNCOPIED_PAYLOAD_BYTES, writeFramesInPlace } from '../../src/emulator/rhea/writeFramesInPlace';

/** Fails with a message that names the rhea change and the broker module depending on it. */
function assume(holds: boolean, what: string, usedBy: string): void {
  if (!holds) throw new Error(`rhea changed: ${what} no longer holds (the broker's ${usedBy} relies on it)`);
}
const isFunction = (owner: object, name: string): boolean => typeof (owner as Record<string, unknown>)[name] === 'function';

/** A server-side rhea connection with one session and one sender, as the broker's are (no socket). */
function rheaObjects(): { connection: Connection; session: Session; sender: Sender } {
  const container = create_container({ id: 'contract' });
  const connection = container.create_connection({} as never) as Connection;
  const session = (connection as unknown as { create_session(): Session }).create_session();
  const sender = (session as unknown as { attach_sender(options: object): Sender }).attach_sender({ target: { address: 'x' } });
  return { connection, session, sender };
}

describe('rhea internals the broker relies on', () => {
  it("a session's incoming side runs process(session) per pass over the deliveries settled since (rhea/exactDispositions.ts)", () => {
    const { session } = rheaObjects();
    const incoming = sessionInternals(session).incoming as unknown as Record<string, unknown>;
    assume(isFunction(incoming, 'process'), 'session.incoming.process(session) is a method', 'rhea/exactDispositions.ts');
    assume(Array.isArray(incoming['updated']), 'session.incoming.updated lists the deliveries settled since the last pass', 'rhea/exactDispositions.ts');
    assume(isFunction(incoming['deliveries'] as object, 'pop_if'), 'session.incoming.deliveries.pop_if(predicate) drops settled deliveries', 'rhea/exactDispositions.ts');
    for (const field of ['max_transfer_id', 'next_transfer_id', 'window']) assume(typeof incoming[field] === 'number', `session.incoming.${field} is a number`, 'rhea/exactDispositions.ts');
    assume(isFunction(session as object, '_write_flow'), 'session._write_flow() writes a flow', 'rhea/exactDispositions.ts');
  });

  it('types.Reader routes compound and array decoding through overridable prototype methods (BoundedReader)', () => {
    for (const name of ['read', 'read_value', 'read_array_items', 'read_n', 'read_size_count', 'read_array', 'read_fixed_width', 'read_variable_width', 'read_uint', 'remaining']) {
      assume(isFunction(RheaReaderBase.prototype, name), `types.Reader.prototype.${name} is a method`, 'rhea/BoundedReader.ts');
    }
    // An array of 100 zero-width elements in 10 bytes: only the overrides can refuse it (maxElements 10).
    const array = Buffer.from('f0000000050000006440', 'hex');
    let refused = false;
    try {
      new BoundedReader(array, { maxDepth: 8, maxElements: 10 }).read();
    } catch (error: unknown) {
      refused = error instanceof AmqpDecodeError;
    }
    assume(refused, 'read_array → read_size_count / read_array_items / read_value, called on `this`', 'rhea/BoundedReader.ts');
  });

  it('message.decode still reads sections with types.Reader (the codec checks them first with the bounded reader)', () => {
    const bytes = (message as unknown as { encode(m: object): Buffer }).encode({ body: 'x', application_properties: { a: 1 } });
    assume(message.decode(bytes).body === 'x', 'message.decode decodes an encoded message', 'rhea/codec.ts');
  });

  it('a session exposes the frame handlers and buffers the broker wraps (limitSession, receiveRawTransfers, backpressure, processMarkedLinks)', () => {
    const { session } = rheaObjects();
    const s = sessionInternals(session) as unknown as Record<string, unknown>;
    for (const name of ['on_transfer', 'on_disposition', 'on_attach', 'on_detach', 'on_end', 'on_flow', '_process', 'each_sender']) {
      assume(isFunction(s, name), `Session.${name} is a method`, 'rhea/limitSession.ts and friends');
    }
    const internals = sessionInternals(session);
    for (const side of ['incoming', 'outgoing'] as const) {
      const buffer = internals[side].deliveries as unknown as Record<string, unknown>;
      assume(isFunction(buffer, 'get_head') && isFunction(buffer, 'available') && typeof buffer['size'] === 'number' && typeof buffer['capacity'] === 'number', `session.${side}.deliveries is a CircularBuffer (get_head, available, size, capacity)`, 'rhea/limitSession.ts');
      assume(Array.isArray(buffer['entries']) && typeof buffer['head'] === 'number', `session.${side}.deliveries keeps entries[] from head`, 'rhea/forgetLinkDeliveries.ts');
    }
    const outgoing = internals.outgoing as unknown as Record<string, unknown>;
    assume(isFunction(outgoing, 'available') && isFunction(outgoing, 'send'), 'session.outgoing.available() / send() exist', 'rhea/backpressure.ts');
    assume(typeof internals.remote.handles === 'object' && typeof (session as unknown as { links: unknown }).links === 'object', 'session.remote.handles and session.links are maps', 'rhea/limitSession.ts');
    assume('handle_max' in (internals.local.begin as object), 'session.local.begin has handle_max', 'EmulatorServer.ts');
  });

  it('Outgoing.on_disposition walks ids from first to last over a buffer whose ids run from its head (clamped by limitSession)', () => {
    const source = String((sessionInternals(rheaObjects().session).outgoing as unknown as { on_disposition: () => void }).on_disposition);
    assume(/for\s*\(\s*var\s+i\s*=\s*fields\.first;\s*i\s*<=\s*last/.test(source), 'Outgoing.on_disposition loops first..last (the stall limitSession clamps)', 'rhea/limitSession.ts');
  });

  it('a link keeps its attach, state, credit, drain bookkeeping and remote handle where the broker reads them', () => {
    const { sender } = rheaObjects();
    const link = linkInternals(sender) as unknown as Record<string, unknown> & ReturnType<typeof linkInternals>;
    assume(typeof link.local.attach === 'object' && 'max_message_size' in (link.local.attach as object), 'link.local.attach has max_message_size', 'links/openEntityReceiver.ts');
    assume(typeof link.state.open_requests === 'number' && typeof link.state.local_open === 'boolean', 'link.state has open_requests and local_open', 'links/openDeliveryLink.ts');
    assume(typeof link.credit === 'number' && typeof link.delivery_count === 'number', 'link.credit / delivery_count are numbers', 'links/DeliveryLink.ts');
    assume(isFunction(link, '_get_drain') && '_draining' in link && '_drained' in link, 'sender._get_drain / _draining / _drained', 'rhea/answerDrainExactly.ts');
    assume(typeof link.remote === 'object' && isFunction(link, 'dispatch') && isFunction(link, '_context'), 'link.remote, dispatch() and _context()', 'rhea/limitSession.ts');
    const register = (link as unknown as { connection: Record<string, unknown> }).connection;
    assume(isFunction(register, '_register'), 'link.connection._register() asks for a pass', 'rhea/processMarkedLinks.ts');
  });

  it("rhea's link.on_attach still records frame.handle (undefined) as the remote handle (limitSession records the real one)", () => {
    const source = String((linkInternals(rheaObjects().sender) as unknown as { on_attach: () => void }).on_attach);
    // If rhea fixes this, limitSession's fix-up is redundant but harmless: update the comment there.
    assume(/this\.remote\.handle\s*=\s*frame\.handle/.test(source), 'link.on_attach sets remote.handle from frame.handle', 'rhea/limitSession.ts (comment)');
  });

  it('a server connection takes input, accept, begin/end handlers, its open frame and channel maps as the transport expects', () => {
    const { connection } = rheaObjects();
    const c = connectionInternals(connection) as unknown as Record<string, unknown> & ReturnType<typeof connectionInternals>;
    for (const name of ['input', 'accept', 'on_begin', 'on_end', '_write_open', '_write_frame']) assume(isFunction(c, name), `Connection.${name} is a method`, 'transport/acceptConnection.ts, rhea/limitConnection.ts');
    const open = c.local.open;
    assume(Array.isArray(open.value) && typeof open.constructor === 'function', 'connection.local.open is a composite with value[]', 'rhea/limitConnection.ts');
    const copy = new open.constructor([...open.value]);
    copy.idle_time_out = 1234;
    assume(copy.idle_time_out === 1234 && open.idle_time_out !== 1234, 'a copy of the open frame carries its own idle_time_out', 'rhea/limitConnection.ts');
    assume(typeof c.remote_channel_map === 'object' && typeof (c as unknown as { local_channel_map: unknown }).local_channel_map === 'object', 'remote_channel_map / local_channel_map', 'rhea/limitConnection.ts, rhea/backpressure.ts');
  });

  it("a connection's amqp_transport writes its pending frames with write(socket); frames written beside their payload are byte-identical", async () => {
    const written = async (patch: boolean): Promise<Buffer> => {
      const { connection } = rheaObjects();
      const transport = connectionInternals(connection).amqp_transport;
      assume(isFunction(transport, 'write') && Array.isArray(transport.pending), 'connection.amqp_transport has write(socket) and pending[]', 'rhea/writeFramesInPlace.ts');
      if (patch) writeFramesInPlace(connection);
      const chunks: Buffer[] = [];
      const socket = { write: (chunk: Buffer) => chunks.push(Buffer.from(chunk)) };
      transport.write(socket); // the protocol header
      assume(transport.header_sent !== undefined, 'Transport.header_sent is set once the header is written', 'rhea/writeFramesInPlace.ts');
      const large = Buffer.alloc(3 * UNCOPIED_PAYLOAD_BYTES, 0x61);
      const c = connectionInternals(connection) as unknown as { _write_frame(channel: number, frame: unknown, payload?: Buffer): void; local: { open: unknown } };
      // Frames are queued with _write_frame(channel, performative, payload), each {channel, type, performative, payload}.
      const encode = (transport as unknown as { encode(frame: object): void }).encode.bind(transport);
      encode({ channel: 0, type: 0, performative: c.local.open });
      encode({ channel: 3, type: 0, performative: c.local.open, payload: large.subarray(0, 2 * UNCOPIED_PAYLOAD_BYTES) });
      encode({ channel: 1, type: 0, performative: c.local.open, payload: Buffer.from('small') });
      transport.write(socket);
      // The patched write sends the frames of a tick together when the tick's work is done.
      await new Promise((resolve) => setImmediate(resolve));
      return Buffer.concat(chunks);
    };
    assume((await written(true)).equals(await written(false)), 'frames.write_frame = size, doff 2, type, channel, performative, payload', 'rhea/writeFramesInPlace.ts');
  });
});
