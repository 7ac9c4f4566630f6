import { connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import { create_connection as createRheaConnection, type Connection as RheaConnection } from 'rhea';
import { Connection, Container, type ConnectionOptions } from 'rhea-promise';
import type { AmqpConnectionConfig } from './AmqpConnectionConfig';
import { corkPerTick, plainOpenFields, readPlainTransfers } from './rhea';

/** How long rhea-promise waits for open/begin/attach/detach replies (a backstop: the peer watchdog acts first). */
const RHEA_OPERATION_TIMEOUT_SECONDS = 90;
/**
 * The AMQP idle timeout advertised in open, as the official SDKs do: the broker sends a frame at least
 * every half of it, and rhea drops the connection after twice it without one.
 */
const IDLE_TIMEOUT_MS = 60_000;

/** The same connection, not yet open, as rhea-promise's object and as rhea's. */
export interface CreatedConnection {
  readonly connection: Connection;
  /** rhea's object: session receiver links are attached on it directly (see openReceiverLink). */
  readonly rheaConnection: RheaConnection;
}

/**
 * Creates (does not open) the connection `config` describes: `tcp_no_delay`, no reconnect, a 60 s
 * idle timeout, a socket that writes each processing pass's frames at once (`corkPerTick`), and
 * incoming transfers read into plain performatives (`readPlainTransfers`).
 * `onSocket` gets the socket as soon as it is created (to watch it, and to destroy it).
 */
export function createConnection(config: AmqpConnectionConfig, onSocket: (socket: Socket) => void): CreatedConnection {
  const options = {
    host: config.host,
    hostname: config.host,
    port: config.port,
    transport: config.tls ? 'tls' : 'tcp',
    ...(config.tls ? { servername: config.host } : {}),
    ...(config.saslUsername === undefined ? {} : { username: config.saslUsername }),
    reconnect: false,
    idle_time_out: IDLE_TIMEOUT_MS,
    // Nagle + delayed ACK costs ~40 ms per request/response round trip (gotcha G9).
    tcp_no_delay: true,
    operationTimeoutInSeconds: RHEA_OPERATION_TIMEOUT_SECONDS,
    properties: { product: 'servicebus-rx', platform: `(${process.arch}-${process.platform})`, framework: `Node/${process.version}` },
  } as ConnectionOptions;
  // Our own socket factory: the socket writes each processing pass's frames at once (corkPerTick).
  options.connection_details = () => ({
    host: config.host,
    port: config.port,
    options,
    connect: (port: number, host: string, tlsOptions: TlsConnectionOptions, onConnect: () => void): Socket => {
      const socket = config.tls ? tlsConnect(port, host, tlsOptions, onConnect) : tcpConnect(port, host, onConnect);
      corkPerTick(socket);
      // rhea made this connection's AMQP transport anew just before (connect resets it): its incoming
      // transfers (messages, management and CBS replies) are read into plain performatives.
      readPlainTransfers(rheaConnection);
      onSocket(socket);
      return socket;
    },
  });
  // Created with rhea and wrapped (rhea-promise's documented way to adopt a rhea connection), so
  // that session receivers can use rhea directly (see openReceiverLink).
  const rheaConnection = createRheaConnection(options);
  plainOpenFields(rheaConnection);
  const connection = new Connection({
    rheaConnection,
    container: Container.copyFromContainerInstance(rheaConnection.container),
    operationTimeoutInSeconds: RHEA_OPERATION_TIMEOUT_SECONDS,
  });
  return { connection, rheaConnection };
}
