import type { Observable } from 'rxjs';
import type { Receiver, Sender } from 'rhea-promise';
import { openLinks, type LinkHost } from './openLinks';
import { RequestResponseLink } from './RequestResponseLink';
import { compactDeliveries, exactDispositions, plainAttachFields } from './rhea';
import { wrapLinks } from './wrapLinks';

/**
 * Cold: opens a request/response pair on `address` (`$cbs`, `<entity>/$management`) — a pre-settled
 * sender and a receiver named `receiverName` (its target is that name when `replyToTarget`) — and
 * emits the `RequestResponseLink` on it; errors when the pair fails; unsubscribing closes it.
 */
export function openRequestResponse(host: LinkHost, address: string, receiverName: string, replyToTarget: boolean): Observable<RequestResponseLink> {
  return wrapLinks(
    openLinks(
      host,
      async (session, abortSignal) => {
        // Replies arrive as compact deliveries (one per request: renewals, CBS tokens), undecoded:
        // RequestResponseLink reads a renewal's reply from its bytes and has rhea decode the others.
        compactDeliveries(session, true);
        exactDispositions(session);
        const [sender, receiver] = await Promise.all([
          // Requests go pre-settled (as the Java SDK sends them): the reply is the answer, and a
          // disposition per request would cost a frame and a processing pass on both sides.
          session.createSender({ target: { address }, snd_settle_mode: 1, abortSignal }),
          session.createReceiver({
            abortSignal,
            // Replies are settled by RequestResponseLink (settleReceived).
            autoaccept: false,
            name: receiverName,
            source: { address },
            ...(replyToTarget ? { target: { address: receiverName } } : {}),
          }),
        ]);
        plainAttachFields(sender);
        plainAttachFields(receiver);
        return { sender, receiver };
      },
      (links: { sender: Sender; receiver: Receiver }) => [links.sender, links.receiver],
      { entityPath: address },
    ),
    ({ sender, receiver }) => new RequestResponseLink(sender, receiver, receiverName, host.waits),
    address,
  );
}
