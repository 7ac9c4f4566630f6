import type { Socket } from 'node:net';

/**
 * Makes `socket` gather every write of one tick into one system call: the first write of a tick corks
 * the socket and the uncork is queued right behind the current work (`process.nextTick`), so the frames
 * rhea writes one by one in a processing pass leave as one `writev`. Instance-level: only this socket
 * changes (other connections, e.g. another client in the same process, are untouched).
 */
export function corkPerTick(socket: Socket): void {
  const write = socket.write;
  let corked = false;
  const uncork = (): void => {
    corked = false;
    socket.uncork();
  };
  socket.write = function (this: Socket, ...args: Parameters<Socket['write']>): boolean {
    if (!corked) {
      corked = true;
      socket.cork();
      process.nextTick(uncork);
    }
    return write.apply(this, args);
  } as Socket['write'];
}
