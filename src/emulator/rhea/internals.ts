import type { Delivery, Sender, Session, link } from 'rhea';

/** Fields of the attach frame the broker sends back (rhea keeps them in `link.local.attach`). */
export interface LocalAttach {
  source?: unknown;
  target?: unknown;
  properties?: Record<string, unknown>;
  snd_settle_mode?: number;
  rcv_settle_mode?: number;
  max_message_size?: number;
}

/** rhea link state the broker steers directly; rhea's typings do not declare it. */
export interface LinkInternals {
  local: { attach: LocalAttach };
  state: { open_requests: number; local_open: boolean };
  credit: number;
  delivery_count: number;
}

/** rhea sender state, including the drain bookkeeping of `link.js`. */
export interface SenderInternals extends LinkInternals {
  _draining: boolean;
  _drained: boolean;
  _get_drain(): boolean;
  session: {
    outgoing: { available(): number; deliveries: { capacity: number } };
    /** The session's links by name. */
    links: Record<string, unknown>;
  };
}

/** A transfer frame as rhea hands it to `Session.on_transfer`. */
export interface TransferFrame {
  performative: { message_format?: number };
}

export interface SessionInternals {
  on_transfer(frame: TransferFrame): void;
}

export interface DeliveryInternals {
  remote_settled: boolean;
}

export const linkInternals = (l: link): LinkInternals => l as unknown as LinkInternals;
export const senderInternals = (s: Sender): SenderInternals => s as unknown as SenderInternals;
export const sessionInternals = (s: Session): SessionInternals => s as unknown as SessionInternals;
export const deliveryInternals = (d: Delivery): DeliveryInternals => d as unknown as DeliveryInternals;
