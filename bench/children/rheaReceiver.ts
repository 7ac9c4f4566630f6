/**
 * Raw rhea receiver in its own process. Mode `listen`: a server that accepts any link (the wire
 * limit, no broker). Mode `connect`: a client of the broker at `port`, reading `address` (a comma
 * list reads each, e.g. the subscriptions of a topic; optionally one session, via the Service Bus
 * session filter). Reports `{type:'done', first, last, count}` after `count` messages per address. At-least-once: unsettled deliveries, accepted on arrival (rcv-settle-mode first).
 */
import type { AddressInfo, Server } from 'node:net';
import rhea from 'rhea';
import { epochMs } from '../lib/epoch';
import { putToken } from '../lib/rawCbs';

const [mode, portText, countText, address, sessionId] = process.argv.slice(2);
const addresses = (address ?? '').split(',');
const expected = Number(countText) * (mode === 'listen' ? 1 : addresses.length);
let received = 0;
let first = 0;

const container = rhea.create_container({ id: `bench-receiver-${process.pid}` });
container.on('message', () => {
  if (received === 0) first = epochMs();
  received += 1;
  if (received === expected) process.send!({ type: 'done', first, last: epochMs(), count: received });
});

if (mode === 'listen') {
  container.on('receiver_open', (ctx: import('rhea').EventContext) => {
    ctx.receiver!.set_target((ctx.receiver as unknown as { remote: { attach: { target: unknown } } }).remote.attach.target as never);
    ctx.receiver!.add_credit(1000);
  });
  const server = container.listen({ port: 0, host: '127.0.0.1', tcp_no_delay: true } as never) as unknown as Server;
  server.on('listening', () => process.send!({ type: 'ready', port: (server.address() as AddressInfo).port }));
} else {
  const port = Number(portText);
  const conn = container.connect({ host: '127.0.0.1', port, tcp_no_delay: true } as never);
  conn.once('connection_open', () => {
    let open = 0;
    for (const one of addresses) {
      void putToken(conn, port, one).then(() => {
        const source = sessionId ? { address: one, filter: { 'com.microsoft:session-filter': sessionId } } : { address: one };
        const receiver = conn.open_receiver({ source, credit_window: 1000, autoaccept: true, rcv_settle_mode: 0 } as never);
        receiver.once('receiver_open', () => {
          if (++open === addresses.length) process.send!({ type: 'ready' });
        });
      });
    }
  });
}
process.on('SIGTERM', () => process.exit(0));
