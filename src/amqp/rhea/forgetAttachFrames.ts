import type { link } from 'rhea';

/** The attach frames a rhea link keeps: encoded-value objects (one wrapper object per field). */
interface LinkWithAttachFrames {
  local?: { attach?: AttachFields };
  remote?: { attach?: AttachFields };
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
 * `link.properties`, …) BEFORE calling this: those getters return `undefined` afterwards.
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
    frames.local.attach = { role: local.role, snd_settle_mode: local.snd_settle_mode, rcv_settle_mode: local.rcv_settle_mode };
  }
  const remote = frames.remote?.attach;
  if (remote !== undefined && frames.remote !== undefined) {
    frames.remote.attach = { snd_settle_mode: remote.snd_settle_mode, rcv_settle_mode: remote.rcv_settle_mode, max_message_size: remote.max_message_size };
  }
}
