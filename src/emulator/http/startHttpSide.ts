import type { Broker } from '../Broker';
import { AdminApi } from './admin/AdminApi';
import { brokerHttpHandler } from './brokerHttpHandler';
import { HttpFront } from './HttpFront';
import { defaultHttpLimits } from './HttpLimits';

/** The broker's HTTP side (administration API and inspector), ready to be fed sockets or to listen. */
export function startHttpSide(broker: Broker): HttpFront {
  const admin = new AdminApi(broker);
  const handler = brokerHttpHandler(admin, undefined, defaultHttpLimits, broker.warn);
  return new HttpFront(broker.clock, broker.warn, handler, defaultHttpLimits);
}
