import type { link } from 'rhea';

/** rhea's performative constructors (`lib/frames.js`); its typings omit the module. */
const rheaFrames = require('rhea/lib/frames.js') as { detach(fields: { handle: number; closed: boolean }): object };

/** The frames a rhea link keeps: encoded-value objects (one wrapper object per field). */
interface LinkWithAttachFrames {
  local?: { handle?: number; attach?: AttachFields; detach?: object };
  remote?: { attach?: AttachFields };
  options?: unknown;
}
interface AttachFields {
  role?: boolean;
  snd_settle_mode?: number;
  rcv_settle_mode?: number;
  max_message_size?: unknown;
}

/**
 * Replaces the two attach frames rhea keeps for an answered link (ours and the peer's) by plain
 * objects with the only fields rhea reads afterwards: `role` and the settle modes (plus the peer's
 * `max_message_size`, behind `link.max_message_size`). Read the peer's terminus (`link.source`,
 * `link.properties`, …) BEFORE calling this: those getters return `undefined` afterwards. Also drops
 * what rhea built at attach and reads no more: the link's options (read by `get_option` in rhea's
 * link constructors only) and the detach frame it prepares for `close()` / `detach()` (~0.3 KB of
 * typed values), which is then built on first use, as rhea builds it (`{ handle, closed: true }`).
 *
 * Why: each frame is ~35 wrapper objects (~2.5 KB per link, for thousands of session receivers), and
 * — worse — frames decoded in an accept burst and then kept make V8 pretenure rhea's decoding sites,
 * so that every later management reply is decoded straight into the old generation, whose garbage
 * then grows the heap between major collections (measured: see docs/benchmarks.md, scale). rhea keeps
 * the frames only to send ours again on reconnect, which this client never does (a dropped connection
 * fails its links). Instance-level: other links are untouched.
 */
export function forgetAttachFrames(receiver: link): void {
  const frames = receiver as unknown as LinkWithAttachFrames;
  const local = frames.local?.attach;
  if (local !== undefined && frames.local !== undefined) {
    const attach = { role: local.role, snd_settle_mode: local.snd_settle_mode, rcv_settle_mode: local.rcv_settle_mode };
    const handle = frames.local.handle;
    if (typeof handle === 'number' && isPristineDetach(frames.local.detach)) frames.local = new LocalEndpoint(handle, attach);
    else frames.local.attach = attach;
  }
  if (frames.options !== undefined) frames.options = NO_OPTIONS;
  const remote = frames.remote?.attach;
  if (remote !== undefined && frames.remote !== undefined) {
    frames.remote.attach = { snd_settle_mode: remote.snd_settle_mode, rcv_settle_mode: remote.rcv_settle_mode, max_message_size: remote.max_message_size };
  }
}

const NO_OPTIONS = Object.freeze({});

/** The detach frame rhea prepared at attach, not touched since (`close()` / `detach()` fill it in). */
function isPristineDetach(frame: object | undefined): boolean {
  const fields = frame as { closed?: unknown; error?: unknown } | undefined;
  return fields !== undefined && fields.closed === true && fields.error === undefined;
}

/** A link's `local`: its handle, its (forgotten) attach frame, and its detach frame built on first use. */
class LocalEndpoint {
  private detachFrame: object | undefined;

  constructor(
    readonly handle: number,
    readonly attach: AttachFields,
  ) {}

  get detach(): object {
    return (this.detachFrame ??= rheaFrames.detach({ handle: this.handle, closed: true }));
  }

  set detach(frame: object) {
    this.detachFrame = frame;
  }
}
