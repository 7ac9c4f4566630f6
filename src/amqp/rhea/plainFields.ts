import type { Connection } from 'rhea';

/** A performative: rhea's composite, whose fields are prototype accessors over typed values (`types.js`). */
type Performative = Record<string, unknown>;

/**
 * Makes `idle_time_out` of this (client) connection's open performative, and `idle_time_out` and
 * `max_frame_size` of the peer's once it arrives, plain own properties (see {@link plainFields}). rhea
 * reads `idle_time_out` of both on every frame it writes and every chunk it reads (re-arming its
 * heartbeat timers: ~6 reads per renewal), `max_frame_size` for every delivery it sends. Instance-level.
 */
export function plainOpenFields(connection: Connection): void {
  const c = connection as unknown as { local: { open: Performative }; remote: { open?: Performative } };
  plainFields(c.local.open, ['idle_time_out']);
  connection.on('connection_open', () => {
    if (c.remote.open !== undefined) plainFields(c.remote.open, ['idle_time_out', 'max_frame_size']);
  });
}

/**
 * Makes `role`, `snd_settle_mode` and `rcv_settle_mode` of a link's own attach (rhea's, or rhea-promise's
 * wrapped one) plain own properties (see {@link plainFields}): rhea reads `role` for every event of the
 * link, the settle modes for every delivery sent or settled. Call once the link is made.
 */
export function plainAttachFields(link: object): void {
  const l = ((link as { readonly _link?: object })._link ?? link) as { local?: { attach?: Performative } };
  const attach = l.local?.attach;
  if (attach !== undefined) plainFields(attach, ['role', 'snd_settle_mode', 'rcv_settle_mode']);
}

/**
 * Gives `performative` own data properties `names`, holding what rhea's accessors return now. Each read of
 * an accessor unwraps a typed value; nothing in rhea sets these fields after the performative is made (a
 * received one, or a link's attach and a connection's open once constructed), and a performative is
 * encoded from its typed values, untouched here: the frames are rhea's.
 */
function plainFields(performative: Performative, names: readonly string[]): void {
  for (const name of names) {
    if (Object.prototype.hasOwnProperty.call(performative, name)) continue;
    Object.defineProperty(performative, name, { value: performative[name], writable: true, enumerable: true, configurable: true });
  }
}
