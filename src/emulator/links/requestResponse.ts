import type { Message, Receiver, Sender } from 'rhea';
import type { BrokerConnection } from '../connection/BrokerConnection';
import { ACCEPTED, message as codec } from '../rhea/codec';
import { encodePresized } from '../rhea/encodePresized';
import { linkInternals } from '../rhea/internals';
import { sendReply } from '../rhea/sendReply';
import { Conditions } from '../wire/conditions';
import type { Guard } from './guard';

/** A request answered from its bytes, without decoding them into a message (see `quick` of {@link openRequestReceiver}). */
export interface QuickAnswer {
  /** The request's `reply-to`. */
  readonly replyTo: string;
  /** Carries the request out (it has been accepted): the reply's bytes, its correlation id set. */
  answer(): Buffer;
}

/**
 * Opens the request side of a request/response node (`$cbs`, `<entity>/$management`): each request is
 * accepted, answered by `handle` and the reply sent on the connection's reply link named by `reply-to`,
 * with `correlation-id` = the request's `message-id`. A request without a usable reply link is still
 * handled; the broker warns at the 1st, 10th, 100th, … such request on the link. A request `quick` takes
 * from its bytes (a `$management` renewal) is answered by it instead of being decoded and handled.
 */
export function openRequestReceiver(
  receiver: Receiver,
  node: string,
  connection: BrokerConnection,
  guard: Guard,
  warn: (message: string) => void,
  handle: (request: Message) => Message,
  /** The reply's bytes (its `correlation_id` set); rhea's encoding by default. */
  encode: (reply: Message) => Buffer = encodePresized,
  /** The answer to a request read from its bytes, or `undefined` (decoded and handled); must change nothing. */
  quick?: (bytes: Buffer) => QuickAnswer | undefined,
): void {
  receiver.set_target({ address: receiver.target?.address ?? node });
  receiver.set_source({ address: receiver.source?.address });
  /** Replies dropped on this link for want of a reply link: warned at 1, 10, 100, … (a flood costs a few lines, not one each). */
  let dropped = 0;
  const dropReply = (replyTo: unknown): void => {
    if (!isPowerOfTen(++dropped)) return;
    const soFar = dropped === 1 ? '' : ` (${dropped} replies dropped on this link so far)`;
    warn(`No reply link '${String(replyTo)}' for a ${node} request; the reply is dropped${soFar}.`);
  };
  receiver.on(
    'message',
    guard((context) => {
      const delivery = context.delivery;
      if (delivery === undefined) return;
      const bytes = context.message as unknown as Buffer;
      const quickly = quick !== undefined && Buffer.isBuffer(bytes) ? quick(bytes) : undefined;
      if (quickly !== undefined) {
        delivery.update(true, ACCEPTED);
        const reply = quickly.answer();
        const link = connection.replyLink(quickly.replyTo, receiver.session, node);
        if (link !== undefined) sendReply(link, reply);
        else dropReply(quickly.replyTo);
        return;
      }
      let request: Message;
      try {
        request = codec.decode(bytes) as unknown as Message;
      } catch {
        delivery.update(true, codec.rejected({ error: { condition: Conditions.decodeError, description: 'The request is not an AMQP message.' } }).described());
        return;
      }
      delivery.update(true, ACCEPTED);
      const reply = handle(request);
      reply.correlation_id = request.message_id;
      const link = connection.replyLink(typeof request.reply_to === 'string' ? request.reply_to : undefined, receiver.session, node);
      // Encoded into a buffer of its size: a peek reply can be megabytes (rhea's writer doubles from 1 KB).
      if (link !== undefined) sendReply(link, encode(reply));
      else dropReply(request.reply_to);
    }),
  );
  receiver.on('receiver_error', () => undefined);
}

function isPowerOfTen(n: number): boolean {
  while (n >= 10 && n % 10 === 0) n /= 10;
  return n === 1;
}

/**
 * Opens the reply side of a request/response node. Replies are sent pre-settled (gotcha G9: unsettled
 * replies cost the SDK a disposition round trip that Nagle turns into ~40 ms per request).
 */
export function openReplySender(sender: Sender, node: string, connection: BrokerConnection, guard: Guard): void {
  sender.set_source({ address: sender.source?.address ?? node });
  sender.set_target({ address: sender.target?.address });
  const attach = linkInternals(sender).local.attach;
  attach.snd_settle_mode = 1;
  attach.rcv_settle_mode = 0;
  connection.addReplyLink(sender);
  sender.on('sender_error', () => undefined);
  sender.on('sender_close', guard(() => connection.removeReplyLink(sender)));
}
