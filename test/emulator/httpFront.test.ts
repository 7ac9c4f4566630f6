import { createHmac } from 'node:crypto';
import { connect, createServer, type Socket } from 'node:net';
import { VirtualTimeScheduler } from 'rxjs';
import { startEmulator, type EmulatorHandle } from '../../src/emulator';
import { classifyFirstBytes, sniffProtocol, SNIFF_TIMEOUT_MS } from '../../src/emulator/http/sniffProtocol';
import { emulatorAdminClient } from './httpAdminClient';
import { SdkHarness } from './sdkHarness';

/** Sends raw bytes and collects everything the broker answers until it closes the connection. */
function exchange(port: number, ...parts: (string | Buffer)[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' || error.code === 'EPIPE' ? undefined : reject(error)));
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
    socket.on('connect', () => {
      for (const part of parts) socket.write(part);
    });
  });
}

describe('classifyFirstBytes', () => {
  it.each([
    ['AMQP\x00\x01\x00\x00', 'amqp'],
    ['AMQP\x03\x01\x00\x00', 'amqp'],
    ['GET / HTTP/1.1', 'http'],
    ['PUT /q HTTP/1.1', 'http'],
    ['DELETE /q HTTP/1.1', 'http'],
    ['OPTIONS * HTTP/1.1', 'http'],
    ['GET', undefined],
    ['DEL', undefined],
    ['GETX', 'amqp'],
    ['\x16\x03\x01', 'amqp'],
    ['', undefined],
  ])('%j → %s', (text, expected) => {
    expect(classifyFirstBytes(Buffer.from(text, 'latin1'))).toBe(expected);
  });
});

describe('sniffProtocol', () => {
  it('hands a connection still undecided at the timeout to the AMQP side, its first bytes put back (virtual time)', async () => {
    const scheduler = new VirtualTimeScheduler();
    const routed: string[] = [];
    let received!: Promise<string>;
    const server = createServer((socket) => {
      sniffProtocol(socket, scheduler, (protocol, sniffed) => {
        routed.push(protocol);
        received = new Promise((resolve) => sniffed.once('data', (chunk: Buffer) => resolve(chunk.toString('latin1'))));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const client: Socket = connect(port, '127.0.0.1');
    client.on('error', () => undefined);
    await new Promise<void>((resolve) => client.once('connect', resolve));
    client.write('GE');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(routed).toEqual([]);
    scheduler.maxFrames = SNIFF_TIMEOUT_MS + 1;
    scheduler.flush();
    expect(routed).toEqual(['amqp']);
    expect(await received).toBe('GE');
    client.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});

describe('HTTP on the broker port', () => {
  let harness: SdkHarness;
  let port: number;

  beforeAll(async () => {
    harness = await SdkHarness.start({ queues: [{ name: 'q' }] });
    port = harness.emulator.port;
  });
  afterAll(() => harness.close());

  it('answers HTTP and AMQP on the same port', async () => {
    const answer = await exchange(port, 'GET /q HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 401 /);
    expect(answer).toContain('<Detail>Unauthorized: The request has no Authorization header');
    await harness.client().createSender('q').sendMessages({ body: 'still AMQP' });
    expect(harness.emulator.stats().queues[0]?.active).toBe(1);
  });

  it('refuses an oversized head (431) and body (413) and stays up', async () => {
    const head = await exchange(port, `GET /q HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(head).toMatch(/^HTTP\/1\.1 431 /);
    const body = await exchange(port, `PUT /q2 HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2000000\r\n\r\n`, Buffer.alloc(65_536, 0x41));
    expect(body).toMatch(/^HTTP\/1\.1 413 /);
    const chunked = await exchange(
      port,
      `PUT /q2 HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n`,
      ...Array.from({ length: 20 }, () => `10000\r\n${'B'.repeat(0x10000)}\r\n`),
    );
    expect(chunked).toMatch(/^HTTP\/1\.1 413 /);
    const garbage = await exchange(port, 'GET \x00\x01\x02 nonsense\r\n\r\n');
    expect(garbage).toMatch(/^HTTP\/1\.1 400 /);
    expect(await emulatorAdminClient(harness.emulator.connectionString).queueExists('q')).toBe(true);
  });

  it('answers 400 with the reason for a body that is not an entity description', async () => {
    const put = (body: string): Promise<string> =>
      exchange(
        port,
        `PUT /q3 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nAuthorization: ${sasHeader('http://localhost/q3')}\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
    expect(await put('<!DOCTYPE x [<!ENTITY a "b">]><entry/>')).toMatch(/^HTTP\/1\.1 400 [^]*A DOCTYPE is not accepted/);
    expect(await put('<entry><content>')).toMatch(/^HTTP\/1\.1 400 [^]*not valid XML/);
    expect(await put('<entry/>')).toMatch(/^HTTP\/1\.1 400 [^]*must be an ATOM entry/);
    const description = (inner: string): string => `<entry><content type="application/xml"><QueueDescription>${inner}</QueueDescription></content></entry>`;
    expect(await put(description('<MaxDeliveryCount>0</MaxDeliveryCount>'))).toMatch(/^HTTP\/1\.1 400 [^]*MaxDeliveryCount must be an integer of at least 1/);
    expect(await put(description('<RequiresSession>yes</RequiresSession>'))).toMatch(/^HTTP\/1\.1 400 [^]*RequiresSession must be/);
    expect(await put(description('<LockDuration>soon</LockDuration>'))).toMatch(/^HTTP\/1\.1 400 [^]*LockDuration &apos;soon&apos; is not an ISO 8601 duration/);
    expect(await put(description('<ForwardTo>elsewhere</ForwardTo>'))).toMatch(/^HTTP\/1\.1 400 [^]*the forwarding target &apos;elsewhere&apos; is not a queue or topic/);
    expect(await put(description(''))).toMatch(/^HTTP\/1\.1 201 /);
  });
});

/** A SAS Authorization header for `url`, signed with the emulator's default key. */
function sasHeader(url: string): string {
  const sr = encodeURIComponent(url.toLowerCase());
  const se = Math.floor(Date.now() / 1000) + 300;
  const sig = encodeURIComponent(createHmac('sha256', 'SAS_KEY_VALUE').update(`${sr}\n${se}`).digest('base64'));
  return `SharedAccessSignature sr=${sr}&sig=${sig}&se=${se}&skn=RootManageSharedAccessKey`;
}

describe('httpPort', () => {
  let emulator: EmulatorHandle;
  afterAll(() => emulator.close());

  it('serves the administration API on a port of its own as well', async () => {
    emulator = await startEmulator({ queues: [{ name: 'q' }], httpPort: 0, onWarning: () => undefined });
    expect(emulator.http.port).toBeGreaterThan(0);
    expect(emulator.http.port).not.toBe(emulator.port);
    expect(emulator.http.inspectorUrl).toBe(`http://localhost:${emulator.http.port}/`);
    const viaHttpPort = emulator.connectionString.replace(`:${emulator.port};`, `:${emulator.http.port};`);
    expect((await emulatorAdminClient(viaHttpPort).getQueue('q')).name).toBe('q');
    expect((await emulatorAdminClient(emulator.connectionString).getQueue('q')).name).toBe('q');
  });
});
