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

/** The encoded request with holes: the bytes around the varying strings, and where each string goes. */
interface Template {
  readonly bytes: Buffer;
  /** Byte offset of each string's UTF-8 bytes, in {@link slotValues} order (a string of 0 bytes has none). */
  readonly offsets: readonly number[];
}

/** No template for these lengths: rhea encodes such a request itself. */
const NONE = null;

/** The varying strings in the order they appear in the encoded bytes. */
function slotValues(fields: RenewRequestFields): string[] {
  return fields.associatedLinkName === undefined
    ? [fields.messageId, fields.trackingId, fields.sessionId]
    : [fields.messageId, fields.trackingId, fields.associatedLinkName, fields.sessionId];
}

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
  /** The `reply-to` the templates hold. */
  private replyTo: string | undefined;

  /** The encoded request (a plain AMQP message, format 0). */
  encode(fields: RenewRequestFields): Buffer {
    if (fields.replyTo !== this.replyTo) {
      this.templates.clear();
      this.replyTo = fields.replyTo;
    }
    const values = slotValues(fields);
    const lengths = values.map((v) => Buffer.byteLength(v, 'utf8'));
    const key = lengths.join(',');
    let template = this.templates.get(key);
    if (template === undefined) {
      template = this.build(fields.replyTo, fields.associatedLinkName !== undefined, lengths);
      // Bounded: a link sees few shapes of ids; past that, rhea encodes the rare ones.
      if (this.templates.size < 16) this.templates.set(key, template);
    }
    if (template === NONE) return rheaMessage.encode(renewRequestMessage(fields));
    const out = Buffer.allocUnsafe(template.bytes.length);
    template.bytes.copy(out, 0);
    for (let i = 0; i < values.length; i++) if (lengths[i]! > 0) out.write(values[i]!, template.offsets[i]!, 'utf8');
    return out;
  }

  private build(replyTo: string, withLinkName: boolean, lengths: readonly number[]): Template | typeof NONE {
    const filled = (fill: number): Buffer => {
      const [messageId, trackingId, a, b] = lengths.map((n, i) => String.fromCharCode(fill + i).repeat(n));
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
    const expected = lengths.filter((n) => n > 0);
    if (runs.length !== expected.length || runs.some(([, n], i) => n !== expected[i])) return NONE;
    let run = 0;
    const offsets = lengths.map((n) => (n > 0 ? runs[run++]![0] : -1));
    return { bytes: first, offsets };
  }
}
