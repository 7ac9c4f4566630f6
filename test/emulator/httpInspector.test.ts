import { connect, createServer } from 'node:net';
import { VirtualTimeScheduler } from 'rxjs';
import { HttpFront } from '../../src/emulator/http/HttpFront';
import { defaultHttpLimits } from '../../src/emulator/http/HttpLimits';
import type { InspectorSnapshot } from '../../src/emulator/http/inspector/InspectorSnapshot';
import { SdkHarness } from './sdkHarness';

describe('inspector over HTTP (no browser)', () => {
  let harness: SdkHarness;
  let base: string;

  beforeAll(async () => {
    harness = await SdkHarness.start({ queues: [{ name: 'jobs', requiresSession: true, lockDurationMs: 30_000 }, { name: 'plain' }] });
    base = harness.emulator.http.inspectorUrl;
  });
  afterAll(() => harness.close());

  const snapshot = async (): Promise<InspectorSnapshot> => (await (await fetch(`${base}inspector/snapshot`)).json()) as InspectorSnapshot;
  const act = (action: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${base}inspector/${action}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

  it('serves the page and its script', async () => {
    const page = await fetch(base);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toContain('<script type="module" src="/inspector/inspector.js">');
    const script = await fetch(`${base}inspector/inspector.js`);
    expect(script.status).toBe(200);
    expect(await script.text()).toContain("new EventSource('/inspector/events')");
    expect((await fetch(`${base}favicon.ico`)).status).toBe(404);
  });

  it('shows sessions with their lock owner and expiry, messages and dead letters', async () => {
    const client = harness.client();
    await client.createSender('jobs').sendMessages([
      { body: 'one', sessionId: 'a', applicationProperties: { n: 1 } },
      { body: Buffer.from([0xff, 0x00]), sessionId: 'b' },
    ]);
    const receiver = await client.acceptSession('jobs', 'a');
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5_000 });
    await receiver.setSessionState('step 2');
    const jobs = (await snapshot()).entities.find((entity) => entity.path === 'jobs');
    expect(jobs?.counts).toEqual({ active: 2, locked: 1, deferred: 0, scheduled: 0, deadLettered: 0 });
    const a = jobs?.sessions.find((session) => session.id === 'a');
    // The SDK stores a string state as JSON text.
    expect(a).toMatchObject({ state: 'locked', messageCount: 1, sessionState: '"step 2"' });
    expect(a?.owner).toMatch(/ \(connection #\d+\)$/);
    expect(a?.lockedUntil).toBeGreaterThan(Date.now());
    const b = jobs?.sessions.find((session) => session.id === 'b');
    expect(b?.state).toBe('unlocked');
    expect(b?.owner).toBeUndefined();
    expect(b?.lockedUntil).toBeUndefined();
    // The SDK sends a string body as JSON in a data section; the page shows the section's text.
    expect(jobs?.messages.map((m) => [m.body, m.sessionId, m.locked, m.properties])).toEqual([
      ['"one"', 'a', true, { n: '1' }],
      ['0xff00', 'b', false, {}],
    ]);
    await receiver.deadLetterMessage(message!, { deadLetterReason: 'Bad', deadLetterErrorDescription: 'not a job' });
    const after = (await snapshot()).entities.find((entity) => entity.path === 'jobs');
    expect(after?.deadLetters).toEqual([expect.objectContaining({ body: '"one"', deadLetterReason: 'Bad', deadLetterDescription: 'not a job' })]);
    await receiver.close();

    const resubmitted = await act('resubmit', { entity: 'jobs', sequenceNumber: after?.deadLetters[0]?.sequenceNumber });
    expect(resubmitted.status).toBe(200);
    const back = (await snapshot()).entities.find((entity) => entity.path === 'jobs');
    expect(back?.counts).toMatchObject({ active: 2, deadLettered: 0 });
    expect((await act('purge', { entity: 'jobs', deadLetter: false })).status).toBe(200);
    expect((await snapshot()).entities.find((entity) => entity.path === 'jobs')?.counts.active).toBe(0);
  });

  it('streams snapshots as server-sent events', async () => {
    const response = await fetch(`${base}inspector/events`);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const reader = response.body!.getReader();
    let text = '';
    while (!text.includes('\n\n')) text += new TextDecoder().decode((await reader.read()).value);
    const first = JSON.parse(text.slice('data: '.length, text.indexOf('\n\n'))) as InspectorSnapshot;
    expect(first.entities.map((entity) => entity.path)).toEqual(['jobs', 'plain']);
    await reader.cancel();
  });

  it('refuses bad actions with the reason', async () => {
    expect(await (await act('send', { entity: 'nope', body: 'x' })).json()).toEqual({ error: "The messaging entity 'nope' could not be found." });
    expect((await act('send', { entity: 'jobs', body: 'no session' })).status).toBe(400);
    expect((await act('send', { entity: 'plain', body: 7 })).status).toBe(400);
    expect((await act('resubmit', { entity: 'plain', sequenceNumber: 99 })).status).toBe(404);
    expect((await act('send', { entity: 'plain', body: 'x' }, { origin: 'http://evil.example' })).status).toBe(403);
    const notJson = await fetch(`${base}inspector/send`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' });
    expect(notJson.status).toBe(415);
    const broken = await fetch(`${base}inspector/send`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' });
    expect(broken.status).toBe(400);
    expect(harness.emulator.stats().queues.find((queue) => queue.name === 'plain')?.active).toBe(0);
  });
});

describe('HttpFront connection cap', () => {
  it('closes connections beyond maxConnections and serves the others', async () => {
    const front = new HttpFront(new VirtualTimeScheduler(), () => undefined, (_request, response) => response.end('ok'), { ...defaultHttpLimits, maxConnections: 2 });
    const server = createServer((socket) => front.accept(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const open = async () => {
      const socket = connect(port, '127.0.0.1');
      socket.on('error', () => undefined);
      await new Promise<void>((resolve) => socket.once('connect', resolve));
      return socket;
    };
    const first = await open();
    const second = await open();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const third = await open();
    await new Promise<void>((resolve) => third.once('close', () => resolve()));
    const answer = new Promise<string>((resolve) => first.once('data', (chunk: Buffer) => resolve(chunk.toString('latin1'))));
    first.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(await answer).toMatch(/^HTTP\/1\.1 200 /);
    for (const socket of [first, second]) socket.destroy();
    await front.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});

describe('HttpFront deadlines (virtual time)', () => {
  it('destroys a connection that sends no complete request head within idleMs', async () => {
    const scheduler = new VirtualTimeScheduler();
    const front = new HttpFront(scheduler, () => undefined, (_request, response) => response.end('ok'), defaultHttpLimits);
    const server = createServer((socket) => front.accept(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = connect((server.address() as { port: number }).port, '127.0.0.1');
    client.on('error', () => undefined);
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    await new Promise<void>((resolve) => client.once('connect', resolve));
    client.write('GET / HTTP/1.1\r\nHost: x\r\nX-Slow: '); // a head that never ends
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(client.destroyed).toBe(false);
    scheduler.maxFrames = defaultHttpLimits.idleMs + 1;
    scheduler.flush();
    await closed;
    await front.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});

describe('inspector with topics', () => {
  let harness: SdkHarness;
  let base: string;

  beforeAll(async () => {
    harness = await SdkHarness.start({
      queues: [],
      topics: [{ name: 'events', subscriptions: [{ name: 'all' }, { name: 'eu', rules: [{ name: 'eu', filter: { type: 'correlation', properties: { region: 'eu' } } }] }] }],
    });
    base = harness.emulator.http.inspectorUrl;
  });
  afterAll(() => harness.close());

  const snapshot = async (): Promise<InspectorSnapshot> => (await (await fetch(`${base}inspector/snapshot`)).json()) as InspectorSnapshot;
  const send = (body: unknown) => fetch(`${base}inspector/send`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('shows the topic and its subscriptions, and sends to the topic through the rules', async () => {
    const before = await snapshot();
    expect(before.entities.map((entity) => [entity.kind, entity.path])).toEqual([
      ['topic', 'events'],
      ['subscription', 'events/Subscriptions/all'],
      ['subscription', 'events/Subscriptions/eu'],
    ]);
    expect(before.entities[0]?.subscriptions).toEqual(['all', 'eu']);
    expect((await send({ entity: 'events', body: 'hello', properties: { region: 'us' } })).status).toBe(200);
    expect((await send({ entity: 'events', body: 'hallo', properties: { region: 'eu' } })).status).toBe(200);
    const after = await snapshot();
    expect(after.entities.find((entity) => entity.path === 'events/Subscriptions/all')?.counts.active).toBe(2);
    expect(after.entities.find((entity) => entity.path === 'events/Subscriptions/eu')?.messages.map((m) => m.body)).toEqual(['hallo']);
    const refused = await send({ entity: 'events/Subscriptions/all', body: 'x' });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: string }).error).toMatch(/send to a queue or a topic/);
  });
});
