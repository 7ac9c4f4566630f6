/**
 * Issue 12's ergonomics, over AMQP against the embedded broker: `idleTimeout` on `messages$`,
 * `acceptNextSession({ ifNone: 'error' })`, typed entity-kind mismatches, the TLS-to-plain-emulator
 * hint, and the session-state codecs.
 */
import { concatMap, firstValueFrom, lastValueFrom, map, take, toArray } from 'rxjs';
import {
  ConnectionClosedError,
  EntityKindMismatchError,
  NoSessionAvailableError,
  ServiceBusClient,
  SessionIdRequiredError,
  SessionsNotEnabledError,
  type Session,
} from '../../src';
import { startEmulator, type EmulatorHandle } from '../../src/emulator';

let broker: EmulatorHandle;
const warnings: string[] = [];
let client: ServiceBusClient;
const sessions: Session[] = [];

beforeAll(async () => {
  broker = await startEmulator({ port: 0, onWarning: (w) => warnings.push(w), queues: [{ name: 'sq', requiresSession: true }, { name: 'plain', requiresSession: false }] });
});
afterAll(async () => {
  await broker.close();
});
beforeEach(() => {
  client = new ServiceBusClient(broker.connectionString);
});
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.close()));
  await client.close();
});

const keep = (s: Session): Session => (sessions.push(s), s);
const send = (sessionId: string | undefined, bodies: readonly unknown[], queue = 'sq') =>
  lastValueFrom(client.send(queue, bodies.map((body) => (sessionId === undefined ? { body } : { body, sessionId }))), { defaultValue: undefined });

describe('idleTimeout', () => {
  it('completes messages$ once the session is drained, and the session stays open', async () => {
    await send('idle-1', [1, 2, 3]);
    const session = keep(await firstValueFrom(client.acceptSession('sq', 'idle-1', { idleTimeout: 200 })));
    const bodies = await lastValueFrom(session.messages$.pipe(concatMap((m) => m.complete().pipe(map(() => m.body))), toArray()));
    expect(bodies).toEqual([1, 2, 3]);
    // Still locked and usable: a message sent now is received by a new subscription.
    await send('idle-1', [4]);
    const next = await firstValueFrom(session.messages$.pipe(take(1)));
    expect(next.body).toBe(4);
    await lastValueFrom(next.complete(), { defaultValue: undefined });
  });

  it('does not complete while a peekLock message is unsettled', async () => {
    await send('idle-2', ['slow']);
    const session = keep(await firstValueFrom(client.acceptSession('sq', 'idle-2', { idleTimeout: 100, maxCredit: 1 })));
    const seen: unknown[] = [];
    let completed = false;
    const done = new Promise<void>((resolve) =>
      session.messages$.subscribe({
        next: (m) => {
          seen.push(m.body);
          // Held five idle periods before settling: still not idle.
          setTimeout(() => {
            expect(completed).toBe(false);
            m.complete().subscribe();
          }, 500);
        },
        complete: () => {
          completed = true;
          resolve();
        },
      }),
    );
    await done;
    expect(seen).toEqual(['slow']);
  });

  it('rejects a bad value at the call', () => {
    expect(() => client.acceptSession('sq', 'x', { idleTimeout: 0 })).toThrow(/options\.idleTimeout/);
    expect(() => client.acceptSession('sq', 'x', { idleTimeout: Number.NaN })).toThrow(/options\.idleTimeout/);
  });
});

describe('acceptNextSession when no session is available', () => {
  it("completes empty by default, errors with NoSessionAvailableError with ifNone: 'error'", async () => {
    await expect(lastValueFrom(client.acceptNextSession('sq', { timeout: 200 }), { defaultValue: 'none' })).resolves.toBe('none');
    const error = await firstValueFrom(client.acceptNextSession('sq', { timeout: 200, ifNone: 'error' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoSessionAvailableError);
    expect(error).toMatchObject({ entityPath: 'sq', waitedMs: 200, retryable: false });
  });

  it("with ifNone: 'error' still emits a session when there is one", async () => {
    await send('next-1', ['x']);
    const session = keep(await firstValueFrom(client.acceptNextSession('sq', { timeout: 5_000, ifNone: 'error' })));
    expect(session.sessionId).toBe('next-1');
  });

  it('rejects a bad ifNone at the call', () => {
    expect(() => client.acceptNextSession('sq', { ifNone: 'maybe' as never })).toThrow(/options\.ifNone/);
  });
});

describe('entity-kind mismatches', () => {
  it('accepting a session on a non-session queue is a SessionsNotEnabledError', async () => {
    const error = await firstValueFrom(client.acceptSession('plain', 's')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SessionsNotEnabledError);
    expect(error).toBeInstanceOf(EntityKindMismatchError);
    expect(error).toMatchObject({ entityPath: 'plain', retryable: false, condition: 'amqp:not-allowed' });
    const next = await firstValueFrom(client.acceptNextSession('plain', { timeout: 1_000 })).catch((e: unknown) => e);
    expect(next).toBeInstanceOf(SessionsNotEnabledError);
  });

  it('sending without a session id to a session queue is a SessionIdRequiredError', async () => {
    const error = await lastValueFrom(client.send('sq', { body: 'orphan' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SessionIdRequiredError);
    expect(error).toBeInstanceOf(EntityKindMismatchError);
    expect(error).toMatchObject({ entityPath: 'sq', retryable: false });
  });
});

describe('TLS to the plain emulator', () => {
  it('fails at once with a hint to add UseDevelopmentEmulator=true', async () => {
    const tls = new ServiceBusClient(broker.connectionString.replace(/UseDevelopmentEmulator=true;?/, ''));
    try {
      const error = await lastValueFrom(tls.send('sq', { body: 'x', sessionId: 't' }, { timeout: 10_000 })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConnectionClosedError);
      expect((error as Error).message).toContain('UseDevelopmentEmulator=true');
      expect(error).toMatchObject({ retryable: false });
      // The broker saw a TLS ClientHello where the AMQP header belongs.
      expect(warnings.join('\n')).toMatch(/did not send an AMQP protocol header/);
    } finally {
      await tls.close();
    }
  });
});

describe('stateCodec', () => {
  it("'utf8' stores a string as its raw UTF-8 bytes (Python, .NET); 'json' stores its JSON text (JS SDK)", async () => {
    const utf8 = keep(await firstValueFrom(client.acceptSession('sq', 'state-1', { stateCodec: 'utf8' })));
    await lastValueFrom(utf8.setState('héllo'), { defaultValue: undefined });
    await expect(firstValueFrom(utf8.getState())).resolves.toBe('héllo');
    await utf8.close();
    // The same bytes read with the default codec: not JSON, so raw bytes.
    const json = keep(await firstValueFrom(client.acceptSession('sq', 'state-1')));
    expect(Buffer.from((await firstValueFrom(json.getState())) as Uint8Array).toString('utf8')).toBe('héllo');
    await lastValueFrom(json.setState('héllo'), { defaultValue: undefined });
    await json.close();
    const again = keep(await firstValueFrom(client.acceptSession('sq', 'state-1', { stateCodec: 'utf8' })));
    await expect(firstValueFrom(again.getState())).resolves.toBe('"héllo"');
  });

  it("'utf8' reads bytes that are not UTF-8 as a Uint8Array", async () => {
    const session = keep(await firstValueFrom(client.acceptSession('sq', 'state-2', { stateCodec: 'utf8' })));
    await lastValueFrom(session.setState(new Uint8Array([0xff, 0xfe, 0x00])), { defaultValue: undefined });
    expect(Array.from((await firstValueFrom(session.getState())) as Uint8Array)).toEqual([0xff, 0xfe, 0x00]);
  });

  it('a custom codec encodes and decodes; its state$ shows the decoded value', async () => {
    const codec = {
      encode: (s: string | Uint8Array) => Buffer.from(`v1:${typeof s === 'string' ? s : Buffer.from(s).toString('hex')}`),
      decode: (b: Uint8Array) => Buffer.from(b).toString('utf8').replace(/^v1:/, ''),
    };
    const session = keep(await firstValueFrom(client.acceptSession('sq', 'state-3', { stateCodec: codec })));
    await lastValueFrom(session.setState('checkpoint-7'), { defaultValue: undefined });
    await expect(firstValueFrom(session.state$)).resolves.toBe('checkpoint-7');
    const raw = keep(await firstValueFrom(client.acceptSession('sq', 'state-3b', { stateCodec: 'utf8' })));
    void raw;
    await session.close();
    const plain = keep(await firstValueFrom(client.acceptSession('sq', 'state-3', { stateCodec: 'utf8' })));
    await expect(firstValueFrom(plain.getState())).resolves.toBe('v1:checkpoint-7');
  });

  it('rejects a bad codec at the call', () => {
    expect(() => client.acceptSession('sq', 'x', { stateCodec: 'base64' as never })).toThrow(/options\.stateCodec/);
    expect(() => client.acceptSession('sq', 'x', { stateCodec: { encode: () => new Uint8Array() } as never })).toThrow(/options\.stateCodec/);
  });
});
