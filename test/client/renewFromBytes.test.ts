import { firstValueFrom } from 'rxjs';
import { message as rheaMessage } from 'rhea';
import * as handling from '../../src/emulator/management/handleManagementRequest';
import * as quick from '../../src/emulator/management/renewFromBytes';
import * as sending from '../../src/emulator/rhea/sendReply';
import { brokerAndClient } from './brokerAndClient';

const t = brokerAndClient({ lockDurationMs: 3_000 });

/** The broker's `$management` replies while `run` runs (not `$cbs` ones), and whether each renewal was answered from its bytes. */
async function observe(run: () => Promise<unknown>): Promise<{ replies: Buffer[]; quick: number; decoded: number }> {
  const send = jest.spyOn(sending, 'sendReply');
  const fromBytes = jest.spyOn(quick, 'renewFromBytes');
  const handle = jest.spyOn(handling, 'handleManagementRequest');
  try {
    await run();
    return {
      replies: send.mock.calls.map(([, bytes]) => bytes).filter((bytes) => 'statusCode' in (rheaMessage.decode(bytes).application_properties ?? {})),
      quick: fromBytes.mock.results.filter((r) => r.value !== undefined).length,
      decoded: handle.mock.calls.length,
    };
  } finally {
    send.mockRestore();
    fromBytes.mockRestore();
    handle.mockRestore();
  }
}

describe('a renew-session-lock request read from its bytes', () => {
  it('is answered without decoding it, with the reply the decoding path sends', async () => {
    const s = await t.accept('rb1');
    const ours = await observe(() => firstValueFrom(s.renewLock()));
    expect(ours).toMatchObject({ quick: 1, decoded: 0 });
    const declined = jest.spyOn(quick, 'renewFromBytes').mockReturnValue(undefined);
    let theirs: Awaited<ReturnType<typeof observe>>;
    try {
      theirs = await observe(() => firstValueFrom(s.renewLock()));
    } finally {
      declined.mockRestore();
    }
    expect(theirs).toMatchObject({ quick: 0, decoded: 1 });
    const [a, b] = [rheaMessage.decode(ours.replies[0]!), rheaMessage.decode(theirs.replies[0]!)];
    expect(a.application_properties).toEqual(b.application_properties);
    expect(Object.keys(a.body as object)).toEqual(['expiration']);
    expect(Object.keys(b.body as object)).toEqual(['expiration']);
    expect(typeof a.correlation_id).toBe('string');
    expect(ours.replies[0]!.length - Buffer.byteLength(String(a.correlation_id))).toBe(theirs.replies[0]!.length - Buffer.byteLength(String(b.correlation_id)));
    expect(s.lockedUntil).toEqual((b.body as { expiration: Date }).expiration);
  });

  it('leaves a renewal that meets an armed fault to the decoding path (which takes the fault)', async () => {
    const s = await t.accept('rb2');
    t.broker.injectFault('com.microsoft:renew-session-lock', { statusCode: 410, condition: 'com.microsoft:session-lock-lost', description: 'injected' });
    let failure: unknown;
    const faulted = await observe(() => firstValueFrom(s.renewLock()).catch((error: unknown) => (failure = error)));
    expect((failure as Error).message).toBe('injected');
    expect(faulted).toMatchObject({ quick: 0, decoded: 1 });
    const next = await t.accept('rb3');
    const again = await observe(() => firstValueFrom(next.renewLock()));
    expect(again).toMatchObject({ quick: 1, decoded: 0 });
  });
});
