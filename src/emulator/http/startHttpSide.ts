import type { Broker } from '../Broker';
import { AdminApi } from './admin/AdminApi';
import { brokerHttpHandler } from './brokerHttpHandler';
import { HttpFront } from './HttpFront';
import { defaultHttpLimits } from './HttpLimits';
import { Inspector } from './inspector/Inspector';

/** The broker's HTTP side: administration API and inspector behind one {@link HttpFront}. */
export interface HttpSide {
  readonly front: HttpFront;
  /** Ends the inspector's event streams and every HTTP connection. */
  close(): Promise<void>;
}

/**
 * The broker's HTTP side (administration API and inspector), ready to be fed sockets or to listen.
 * `connections` counts the open AMQP connections, for the inspector's header.
 */
export function startHttpSide(broker: Broker, connections: () => number): HttpSide {
  const admin = new AdminApi(broker);
  const inspector = new Inspector(broker, connections, defaultHttpLimits);
  const front = new HttpFront(broker.clock, broker.warn, brokerHttpHandler(admin, inspector, defaultHttpLimits, broker.warn), defaultHttpLimits);
  return {
    front,
    close: async () => {
      inspector.close();
      await front.close();
    },
  };
}
