import { message as rheaMessage, type Message } from 'rhea-promise';
import { managementRequestMessage } from './managementRequestMessage';

/** The strings of a `renew-session-lock` request (all but `replyTo` vary between two requests on one link). */
export interface RenewRequestFields {
  readonly messageId: string;
  /** The management link's reply address (the same for every request on it). */
  readonly replyTo: string;
  readonly trackingId: string;
  readonly sessionId: string;
  /** `associated-link-name`, when the request names the session's receive link. */
  readonly associatedLinkName: string | undefined;
}

/** The request message `managementOperations` sends for `renew-session-lock`, with its link's `message_id` and `reply_to`. */
export function renewRequestMessage(fields: RenewRequestFields): Message {
  return {
    message_id: fields.messageId,
    reply_to: fields.replyTo,
    ...managementRequestMessage('renew-session-lock', { 'session-id': fields.sessionId }, fields.associatedLinkName, fields.trackingId),
  };
}

/**
 * The encoded request with holes: the bytes around the varying strings, and where each string goes.
 * Lengths and offsets are in slot order — message id, tracking id, link name, session id — the link
 * name's -1 when the request has none (a string of 0 bytes has no offset either: -1).
 */
class Template {
  constructor(
    readonly bytes: Buffer,
    readonly lengths: readonly number[],
    readonly offsets: readonly number[],
  ) {}

  /** True when the strings of these byte lengths fit this template's holes. */
  fits(messageId: number, trackingId: number, linkName: number, sessionId: number): boolean {
    const l = this.lengths;
    return l[0] === messageId && l[1] === trackingId && l[2] === linkName && l[3] === sessionId;
  }
}

/** No template for these lengths: rhea encodes such a request itself. */
const NONE = null;

/**
 * Encodes `renew-session-lock` requests byte for byte as rhea's `message.encode` does, without its
 * garbage (~4 KB per request: typed wrappers, section arrays, intermediate buffers): the request is
 * encoded by rhea once per combination of string byte lengths, and each request copies those bytes
 * and writes its strings into their places. A template is derived from two encodings with different
 * filler strings of the same lengths — the bytes that differ are the strings' places, so nothing
 * about rhea's encoding is assumed; should they not come out as one run per string, rhea encodes
 * that shape itself. One encoder per management link (its templates hold its `reply-to`).
 */
export class RenewRequestEncoder {
  /** Templates by the byte lengths of the strings (few: ids of one shape share one). */
  private readonly templates = new Map<string, Template | typeof NONE>();
  /** The template used last (consecutive requests nearly always share one). */
  private last: Template | undefined = undefined;
  /** The `reply-to` the templates hold. */
  private replyTo: string | undefined = undefined;

  /** The encoded request (a plain AMQP message, format 0) with these strings (see {@link RenewRequestFields}). */
  encode(messageId: string, replyTo: string, trackingId: string, sessionId: string, associatedLinkName: string | undefined): Buffer {
    if (replyTo !== this.replyTo) {
      this.templates.clear();
      this.last = undefined;
      this.replyTo = replyTo;
    }
    const m = Buffer.byteLength(messageId, 'utf8');
    const t = Buffer.byteLength(trackingId, 'utf8');
    const n = associatedLinkName === undefined ? -1 : Buffer.byteLength(associatedLinkName, 'utf8');
    const s = Buffer.byteLength(sessionId, 'utf8');
    let template = this.last;
    if (template === undefined || !template.fits(m, t, n, s)) {
      const found = this.template(replyTo, m, t, n, s);
      if (found === NONE) return rheaMessage.encode(renewRequestMessage({ messageId, replyTo, trackingId, sessionId, associatedLinkName }));
      template = this.last = found;
    }
    const out = Buffer.allocUnsafe(template.bytes.length);
    template.bytes.copy(out, 0);
    const at = template.offsets;
    if (m > 0) out.write(messageId, at[0]!, 'utf8');
    if (t > 0) out.write(trackingId, at[1]!, 'utf8');
    if (n > 0) out.write(associatedLinkName!, at[2]!, 'utf8');
    if (s > 0) out.write(sessionId, at[3]!, 'utf8');
    return out;
  }

  /** The template for strings of these byte lengths (`linkName` -1: none), built on first use. */
  private template(replyTo: string, m: number, t: number, n: number, s: number): Template | typeof NONE {
    const key = `${m},${t},${n},${s}`;
    let template = this.templates.get(key);
    if (template === undefined) {
      template = build(replyTo, [m, t, n, s]);
      // Bounded: a link sees few shapes of ids; past that, rhea encodes the rare ones.
      if (this.templates.size < 16) this.templates.set(key, template);
    }
    return template;
  }
}

/** A template for strings of `lengths` (slot order, see {@link Template}), or {@link NONE}. */
function build(replyTo: string, lengths: readonly number[]): Template | typeof NONE {
  const withLinkName = lengths[2]! >= 0;
  const present = withLinkName ? lengths : [lengths[0]!, lengths[1]!, lengths[3]!];
  const filled = (fill: number): Buffer => {
    const [messageId, trackingId, a, b] = present.map((n, i) => String.fromCharCode(fill + i).repeat(n));
    const fields = withLinkName
      ? { messageId: messageId!, replyTo, trackingId: trackingId!, associatedLinkName: a!, sessionId: b! }
      : { messageId: messageId!, replyTo, trackingId: trackingId!, associatedLinkName: undefined, sessionId: a! };
    return rheaMessage.encode(renewRequestMessage(fields));
  };
  // Filler characters 0x01.. and 0x11..: one UTF-8 byte each, found nowhere else in a request.
  const first = filled(0x01);
  const second = filled(0x11);
  if (first.length !== second.length) return NONE;
  const runs: Array<[number, number]> = [];
  for (let i = 0; i < first.length; i++) {
    if (first[i] === second[i]) continue;
    const last = runs[runs.length - 1];
    if (last !== undefined && last[0] + last[1] === i) last[1]++;
    else runs.push([i, 1]);
  }
  const expected = present.filter((n) => n > 0);
  if (runs.length !== expected.length || runs.some(([, n], i) => n !== expected[i])) return NONE;
  let run = 0;
  const offsets = lengths.map((n) => (n > 0 ? runs[run++]![0] : -1));
  return new Template(first, lengths, offsets);
}
