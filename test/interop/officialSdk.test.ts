import { ServiceBusClient as SdkClient } from '@azure/service-bus';
import { concatMap, firstValueFrom, lastValueFrom, map, take, toArray } from 'rxjs';
import { startEmulator, type EmulatorHandle } from '../../src/emulator';
import { ServiceBusClient, type ReceivedMessage, type Session } from '../../src';

let broker: EmulatorHandle;
let ours: ServiceBusClient;
let sdk: SdkClient;
const sessions: Session[] = [];

beforeAll(async () => {
  broker = await startEmulator({ port: 0, queues: [{ name: 'sq', requiresSession: true, lockDurationMs: 10_000 }] });
});
afterAll(async () => {
  await broker.close();
});
beforeEach(() => {
  ours = new ServiceBusClient(broker.connectionString);
  sdk = new SdkClient(broker.connectionString);
});
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.close()));
  await Promise.all([ours.close(), sdk.close()]);
});

async function accept(sessionId: string): Promise<Session> {
  const s = await firstValueFrom(ours.acceptSession('sq', sessionId));
  sessions.push(s);
  return s;
}
const takeAndComplete = (s: Session, n: number): Promise<ReceivedMessage[]> =>
  lastValueFrom(s.messages$.pipe(take(n), concatMap((m) => m.complete().pipe(map(() => m))), toArray()));

const bytes = Buffer.from([0x00, 0xff, 0x10, 0x80]);

describe('messages between servicebus-rx and @azure/service-bus', () => {
  it('reads what the official SDK sends (string, JSON object, binary; application properties; ids)', async () => {
    const sender = sdk.createSender('sq');
    await sender.sendMessages([
      { body: 'hello', sessionId: 'from-sdk', messageId: 'm-1', subject: 'greeting', contentType: 'text/plain', applicationProperties: { k: 'v', n: 42, flag: true } },
      { body: { order: 1, items: ['a', 'b'] }, sessionId: 'from-sdk', correlationId: 'c-1' },
      { body: bytes, sessionId: 'from-sdk' },
    ]);
    await sender.close();

    const s = await accept('from-sdk');
    const [text, json, binary] = await takeAndComplete(s, 3);
    expect(text?.body).toBe('hello');
    expect(text?.messageId).toBe('m-1');
    expect(text?.subject).toBe('greeting');
    expect(text?.contentType).toBe('text/plain');
    expect(text?.applicationProperties).toEqual({ k: 'v', n: 42, flag: true });
    expect(json?.body).toEqual({ order: 1, items: ['a', 'b'] });
    expect(json?.correlationId).toBe('c-1');
    expect(Buffer.from(binary?.body as Uint8Array)).toEqual(bytes);
  });

  it('writes what the official SDK reads (string, JSON object, binary; application properties; ids)', async () => {
    await lastValueFrom(
      ours.send('sq', [
        { body: 'hello', sessionId: 'to-sdk', messageId: 'm-1', subject: 'greeting', contentType: 'text/plain', applicationProperties: { k: 'v', n: 42, flag: true } },
        { body: { order: 1, items: ['a', 'b'] }, sessionId: 'to-sdk', correlationId: 'c-1', timeToLive: 60_000 },
        { body: bytes, sessionId: 'to-sdk' },
      ]),
    );
    const receiver = await sdk.acceptSession('sq', 'to-sdk');
    const got = await receiver.receiveMessages(3, { maxWaitTimeInMs: 5_000 });
    for (const m of got) await receiver.completeMessage(m);
    await receiver.close();
    const [text, json, binary] = got;
    expect(text?.body).toBe('hello');
    expect(text?.messageId).toBe('m-1');
    expect(text?.subject).toBe('greeting');
    expect(text?.contentType).toBe('text/plain');
    expect(text?.applicationProperties).toEqual({ k: 'v', n: 42, flag: true });
    expect(json?.body).toEqual({ order: 1, items: ['a', 'b'] });
    expect(json?.correlationId).toBe('c-1');
    expect(json?.timeToLive).toBe(60_000);
    expect(Buffer.from(binary?.body as Buffer)).toEqual(bytes);
    expect(got.every((m) => m.sessionId === 'to-sdk')).toBe(true);
  });
});

describe('session state between servicebus-rx and @azure/service-bus', () => {
  it('reads state the official SDK wrote: strings as strings, other values as their bytes', async () => {
    const receiver = await sdk.acceptSession('sq', 'state-from-sdk');
    await receiver.setSessionState('checkpoint-7');
    await receiver.close();
    let s = await accept('state-from-sdk');
    expect(await firstValueFrom(s.getState())).toBe('checkpoint-7');
    await s.close();

    const r2 = await sdk.acceptSession('sq', 'state-from-sdk');
    await r2.setSessionState(bytes);
    await r2.close();
    s = await accept('state-from-sdk');
    expect(await firstValueFrom(s.getState())).toEqual(new Uint8Array(bytes));
    await s.close();

    const r3 = await sdk.acceptSession('sq', 'state-from-sdk');
    await r3.setSessionState({ step: 3 });
    await r3.close();
    s = await accept('state-from-sdk');
    expect(Buffer.from((await firstValueFrom(s.getState())) as Uint8Array).toString('utf8')).toBe('{"step":3}');
  });

  it('writes state the official SDK reads: strings and bytes', async () => {
    let s = await accept('state-to-sdk');
    await lastValueFrom(s.setState('checkpoint-9'));
    await s.close();
    let receiver = await sdk.acceptSession('sq', 'state-to-sdk');
    expect(await receiver.getSessionState()).toBe('checkpoint-9');
    await receiver.close();

    s = await accept('state-to-sdk');
    await lastValueFrom(s.setState(new Uint8Array(bytes)));
    await s.close();
    receiver = await sdk.acceptSession('sq', 'state-to-sdk');
    expect(Buffer.from((await receiver.getSessionState()) as Buffer)).toEqual(bytes);
    await receiver.close();
  });
});
