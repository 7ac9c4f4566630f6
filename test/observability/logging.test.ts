/**
 * Diagnostics through `@azure/logger`: the library's lines (connection, accept, renewal, lock loss,
 * retries, auto-renew errors, entity-kind mismatches) under `setLogLevel`, never with a secret in them.
 */
import { firstValueFrom, lastValueFrom, filter, take, toArray } from 'rxjs';
import { AzureLogger, getLogLevel, ServiceBusClient, SessionIdRequiredError, setLogLevel } from '../../src';
import { startEmulator, type EmulatorHandle } from '../../src/emulator';
import { redactSecrets } from '../../src/observability/loggerRedaction';

const KEY = 'SAS_KEY_VALUE';
let broker: EmulatorHandle;
let lines: string[];
const originalLog = AzureLogger.log;
const originalLevel = getLogLevel();

beforeAll(async () => {
  broker = await startEmulator({ port: 0, queues: [{ name: 'sq', requiresSession: true, lockDurationMs: 1_500 }] });
});
afterAll(async () => {
  await broker.close();
});
beforeEach(() => {
  lines = [];
  AzureLogger.log = (...args: unknown[]) => lines.push(args.map(String).join(' '));
  setLogLevel('verbose');
});
afterEach(() => {
  setLogLevel(originalLevel);
  AzureLogger.log = originalLog;
});

const ours = (): string[] => lines.filter((l) => l.includes('servicebus-rx:') && !l.includes('servicebus-rx:emulator'));

test('connect, accept, renew, auto-renew error, lock loss and disconnect are logged; no secret in any line', async () => {
  const client = new ServiceBusClient(broker.connectionString, { retry: { delay: 10, maxRetries: 3 } });
  // One transient CBS failure: a retry line.
  broker.injectFault('put-token', { statusCode: 503, condition: 'com.microsoft:server-busy' });
  await lastValueFrom(client.send('sq', { body: 'x', sessionId: 's1' }), { defaultValue: undefined });
  const session = await firstValueFrom(client.acceptSession('sq', 's1', { autoRenew: { maxDuration: 60_000, retry: { maxRetries: 0 } } }));
  await firstValueFrom(session.lock$.pipe(filter((s) => s.kind === 'renewed')));
  // The next renewal is refused as lock-lost: auto-renew ends with an error, the lock is lost.
  broker.injectFault('com.microsoft:renew-session-lock', { statusCode: 410, condition: 'com.microsoft:session-lock-lost' });
  await firstValueFrom(session.lock$.pipe(filter((s) => s.kind === 'lost')));
  await session.close();
  await client.close();

  const text = ours().join('\n');
  expect(text).toMatch(/servicebus-rx:connection:info connected to localhost:\d+ \(plain TCP\)/);
  expect(text).toMatch(/servicebus-rx:retry:info .* failed \(attempt 1 of 4\), retrying in \d+ ms: ServiceBusyError/);
  expect(text).toMatch(/servicebus-rx:session:info accepted session 's1' on 'sq'/);
  expect(text).toMatch(/servicebus-rx:renewal:info auto-renew of session 's1' started/);
  expect(text).toMatch(/servicebus-rx:renewal:info lock of session 's1' renewed until \d{4}-/);
  expect(text).toMatch(/servicebus-rx:renewal:warning auto-renew of session 's1' ended: AutoLockRenewFailed/);
  expect(text).toMatch(/servicebus-rx:renewal:warning lock of session 's1' lost \(renew-failed\)/);
  expect(text).toMatch(/servicebus-rx:connection:info disconnected from localhost:\d+/);
  expect(text).not.toContain(KEY);
  expect(text).not.toMatch(/sig=(?!<redacted>)/);
});

test('a wrong key and a signature-bearing credential never reach a line', async () => {
  const wrong = 'c2VjcmV0LWtleS10aGF0LW11c3Qtbm90LWxlYWs=';
  const client = new ServiceBusClient(broker.connectionString.replace(KEY, wrong), { retry: { maxRetries: 0 } });
  await expect(lastValueFrom(client.send('sq', { body: 'x', sessionId: 's2' }, { timeout: 5_000 }))).rejects.toThrow();
  await client.close();
  expect(ours().length).toBeGreaterThan(0);
  const text = lines.join('\n');
  expect(text).not.toContain(wrong);
  expect(text).not.toMatch(/sig=(?!<redacted>)/);
});

test('sending without a session id to a session queue is a SessionIdRequiredError', async () => {
  const client = new ServiceBusClient(broker.connectionString);
  await expect(lastValueFrom(client.send('sq', { body: 'no session id' }))).rejects.toBeInstanceOf(SessionIdRequiredError);
  await client.close();
});

test('nothing is written, and nothing is built, while the level is off', async () => {
  setLogLevel(undefined);
  const client = new ServiceBusClient(broker.connectionString);
  await lastValueFrom(client.send('sq', { body: 'x', sessionId: 's3' }), { defaultValue: undefined });
  const session = await firstValueFrom(client.acceptSession('sq', 's3'));
  await lastValueFrom(session.messages$.pipe(take(1), toArray()));
  await session.close();
  await client.close();
  expect(ours()).toEqual([]);
});

describe('redactSecrets', () => {
  it.each([
    ['SharedAccessSignature sr=sb%3a%2f%2fns%2fq&sig=AbC%2bdEf%3d&se=1700000000&skn=root', 'AbC%2bdEf%3d'],
    ['Endpoint=sb://ns/;SharedAccessKeyName=root;SharedAccessKey=c2VjcmV0PQ==;EntityPath=q', 'c2VjcmV0PQ=='],
    ['Endpoint=sb://ns/;SharedAccessSignature=SharedAccessSignature sr=x&sig=zz9&se=1', 'zz9'],
    ['Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl', 'eyJzdWIiOiIxIn0'],
    ['put-token failed for token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl', 'c2lnbmF0dXJl'],
    ['{"key":"hunter2"}', 'hunter2'],
  ])('removes the secret from %s', (text, secret) => {
    const out = redactSecrets(text);
    expect(out).not.toContain(secret);
    expect(out).toContain('<redacted');
  });

  it('leaves ordinary lines alone', () => {
    const line = "accepted session 'customer-1' on 'orders' (peekLock, locked until 2026-01-01T00:00:00.000Z)";
    expect(redactSecrets(line)).toBe(line);
  });
});
