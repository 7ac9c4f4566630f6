import { connect as tcpConnect, type Socket } from 'node:net';
import type { ConnectionOptions } from 'rhea';
import { corkPerTick } from '../../src/amqp/rhea';
import { assume, next, rheaPair, within, type RheaPair } from './rheaPair';

const HELPER = 'corkPerTick';

let pair: RheaPair | undefined;
afterEach(() => pair?.close());

it("rhea opens its socket through options.connection_details().connect(port, host, options, onConnect) and writes frames with that socket's write()", async () => {
  const made: Socket[] = [];
  let writes = 0;
  let writevs = 0;
  pair = await rheaPair({
    clientOptions: (peerPort) => ({
      connection_details: () => ({
        host: '127.0.0.1',
        port: peerPort,
        connect: (port: number, host: string, _options: unknown, onConnect: () => void): Socket => {
          const socket = tcpConnect(port, host, onConnect);
          corkPerTick(socket);
          const corked = socket.write;
          socket.write = function (this: Socket, ...args: Parameters<Socket['write']>): boolean {
            writes++;
            return corked.apply(this, args);
          } as Socket['write'];
          const writev = (socket as unknown as { _writev: (...a: unknown[]) => void })._writev;
          (socket as unknown as { _writev: (...a: unknown[]) => void })._writev = function (this: Socket, ...a: unknown[]): void {
            writevs++;
            writev.apply(this, a);
          };
          made.push(socket);
          return socket;
        },
      }),
    }) satisfies Partial<ConnectionOptions>,
  });
  assume(made.length === 1, HELPER, 'rhea creates its socket by calling connection_details().connect(port, host, options, onConnect)');
  assume(writes > 0, HELPER, "rhea writes frames with socket.write() looked up on the socket instance (so an instance-level wrapper sees them)");
  // A pass that writes several frames: three attaches asked for in one tick leave in one writev.
  const before = { writes, writevs };
  const receivers = [0, 1, 2].map((i) => pair!.client.open_receiver({ source: { address: `q${i}` } }));
  await within(Promise.all(receivers.map((r) => next(r, 'receiver_open'))), HELPER, 'links attach over a corked socket');
  assume(writes > before.writes, HELPER, 'rhea writes the attaches with socket.write()');
  assume(writevs > before.writevs, HELPER, "frames rhea writes within one tick are gathered by cork() into one writev");
});
