import { connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import { create_connection as createRheaConnection, type Connection as RheaConnection } from 'rhea';
import { Connection, Container, type ConnectionOptions } from 'rhea-promise';
import type { AmqpConnectionConfig } from './AmqpConnectionConfig';
import { corkPerTick } from './rhea';

/** How long rhea-promise waits for open/begin/attach/detach replies (next-session attaches may be held 65 s). */
const RHEA_OPERATION_TIMEOUT_SECONDS = 90;

/** The same connection, not yet open, as rhea-promise's object and as rhea's. */
export interface CreatedConnection {
  readonly connection: Connection;
  /** rhea's object: session receiver links are attached on it directly (see openReceiverLink). */
  readonly rheaConnection: RheaConnection;
}

/**
 * Creates (does not open) the connection `config` describes: `tcp_no_delay`, no reconnect, a 60 s
 * idle timeout, and a socket that writes each processing pass's frames at once (`corkPerTick`).
 */
export function createConnection(config: AmqpConnectionConfig): CreatedConnection {
  const options = {
    host: config.host,
    hostname: config.host,
    port: config.port,
    transport: config.tls ? 'tls' : 'tcp',
    ...(config.tls ? { servername: config.host } : {}),
    ...(config.saslUsername === undefined ? {} : { username: config.saslUsername }),
    reconnect: false,
    idle_time_out: 60_000,
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
      return socket;
    },
  });
  // Created with rhea and wrapped (rhea-promise's documented way to adopt a rhea connection), so
  // that session receivers can use rhea directly (see openReceiverLink).
  const rheaConnection = createRheaConnection(options);
  const connection = new Connection({
    rheaConnection,
    container: Container.copyFromContainerInstance(rheaConnection.container),
    operationTimeoutInSeconds: RHEA_OPERATION_TIMEOUT_SECONDS,
  });
  return { connection, rheaConnection };
}
