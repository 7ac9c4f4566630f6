/** Where and how to connect. */
export interface AmqpConnectionConfig {
  readonly host: string;
  readonly port: number;
  /** TLS (Azure, port 5671) or plain TCP (development emulator, port 5672). */
  readonly tls: boolean;
  /** `sb://host[:port]/`: prefix of every CBS audience. */
  readonly endpoint: string;
  /** SASL ANONYMOUS initial response (the key name); no SASL layer when undefined. */
  readonly saslUsername: string | undefined;
  /** How long the peer may stay silent while an answer is awaited (see `PeerWatchdog`). */
  readonly peerSilenceTimeout: number;
}
