import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { startFaultProxy, type FaultProxy } from './FaultProxy';

// The fixture the fault tests stand on: checked against a plain TCP echo server, so what it does to
// bytes is seen directly.

let echo: Server;
const echoSockets = new Set<Socket>();
let proxy: FaultProxy;

beforeAll(async () => {
  echo = createServer((s) => {
    echoSockets.add(s);
    s.on('close', () => echoSockets.delete(s));
    s.on('error', () => undefined);
    s.pipe(s);
  });
  echo.listen(0, '127.0.0.1');
  await once(echo, 'listening');
});
afterAll(async () => {
  for (const s of echoSockets) s.destroy();
  await new Promise((resolve) => echo.close(resolve));
});
beforeEach(async () => {
  proxy = await startFaultProxy({ host: '127.0.0.1', port: (echo.address() as AddressInfo).port });
});
afterEach(() => proxy.close());

async function open(): Promise<{ socket: Socket; received: () => string; ended: Promise<string> }> {
  const socket = connect({ host: '127.0.0.1', port: proxy.port });
  let text = '';
  socket.setEncoding('utf8');
  socket.on('data', (d: string) => (text += d));
  const ended = new Promise<string>((resolve) => {
    socket.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    socket.on('close', () => resolve('close'));
  });
  await once(socket, 'connect');
  return { socket, received: () => text, ended };
}

async function until(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition(); waited += 5) {
    if (waited > 5_000) throw new Error('condition not met within 5 s');
    await new Promise((r) => setTimeout(r, 5));
  }
}

it('passes bytes both ways and rewrites a connection string to its port', async () => {
  const c = await open();
  c.socket.write('hello');
  await until(() => c.received() === 'hello');
  expect(proxy.flows).toBe(1);
  expect(proxy.connectionString('Endpoint=sb://localhost:5672;SharedAccessKeyName=k;')).toBe(`Endpoint=sb://localhost:${proxy.port};SharedAccessKeyName=k;`);
  c.socket.destroy();
  await until(() => proxy.flows === 0);
  expect(proxy.closedFlows.map((f) => [f.by, f.blackholed])).toEqual([['client', false]]);
});

it('latency delays every chunk and keeps their order; heal takes it away', async () => {
  const c = await open();
  proxy.latency(60);
  const sent = Date.now();
  for (const part of ['a', 'b', 'c', 'd']) {
    c.socket.write(part);
    await new Promise((r) => setTimeout(r, 5));
  }
  await until(() => c.received() === 'abcd');
  // A lower bound only: 60 ms up, 60 ms down (timer granularity aside).
  expect(Date.now() - sent).toBeGreaterThanOrEqual(115);
  proxy.heal();
  c.socket.write('e');
  await until(() => c.received() === 'abcde');
  c.socket.destroy();
});

it('blackhole keeps the sockets open and drops bytes both ways; such a flow stays dead after heal, one opened during it passes then', async () => {
  const c = await open();
  proxy.blackhole();
  c.socket.write('lost');
  const during = await open();
  during.socket.write('held');
  proxy.heal();
  const after = await open();
  after.socket.write('through');
  await until(() => after.received() === 'through' && during.received() === 'held');
  // The held flow's and the newer flow's echoes prove the older flow's bytes had the time to come back.
  c.socket.write('still lost');
  await new Promise((r) => setTimeout(r, 50));
  expect(c.received()).toBe('');
  expect(c.socket.destroyed).toBe(false);
  for (const x of [c, during, after]) x.socket.destroy();
});

it('cut ends both sockets; reset resets them', async () => {
  const c = await open();
  proxy.cut();
  expect(await c.ended).toBe('close');
  const r = await open();
  proxy.reset();
  expect(await r.ended).toBe('ECONNRESET');
  await until(() => proxy.flows === 0);
  expect(proxy.closedFlows.map((f) => f.by)).toEqual(['proxy', 'proxy']);
});

it('retarget sends new flows elsewhere', async () => {
  const other = createServer((s) => {
    s.end('other');
  });
  other.listen(0, '127.0.0.1');
  await once(other, 'listening');
  try {
    proxy.retarget({ host: '127.0.0.1', port: (other.address() as AddressInfo).port });
    const c = await open();
    await until(() => c.received() === 'other');
    await c.ended;
  } finally {
    await new Promise((r) => other.close(r));
  }
});
