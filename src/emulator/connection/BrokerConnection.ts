import type { Sender, Session } from 'rhea';
import type { DeliveryLink } from '../links/DeliveryLink';

/**
 * What the broker knows about one client connection: which entity paths CBS authorised (and until when),
 * the reply links of its `$cbs` and `$management` nodes, and the entity links it must release when
 * the client detaches, ends an AMQP session or goes away.
 */
export class BrokerConnection {
  /** Authorised entity paths (lower-case, `''` = whole namespace) → expiry in Unix ms. */
  private readonly authorised = new Map<string, number>();
  /** Reply links by link name and by target address (CBS replies go by name, management by address; G10). */
  private readonly replyLinks = new Map<string, Sender>();
  /** Entity receivers (the broker's senders) of this connection. */
  private readonly deliveryLinks = new Set<DeliveryLink>();
  private disposed = false;

  /** Records a successful put-token for `path` valid until `expiresAt` (Unix ms). */
  authorise(path: string, expiresAt: number): void {
    this.authorised.set(path, Math.max(expiresAt, this.authorised.get(path) ?? 0));
  }

  /**
   * True when a put-token authorised `path` or a prefix of it (a token for `sb://host/q` covers
   * `q/$management`; one for the namespace covers everything) and it has not expired.
   */
  isAuthorised(path: string, now: number): boolean {
    for (const [granted, expiresAt] of this.authorised) {
      if (expiresAt > now && (granted === '' || path === granted || path.startsWith(`${granted}/`))) return true;
    }
    return false;
  }

  addReplyLink(sender: Sender): void {
    this.replyLinks.set(sender.name, sender);
    const address = sender.target?.address;
    if (typeof address === 'string' && address.length > 0) this.replyLinks.set(address, sender);
  }

  removeReplyLink(sender: Sender): void {
    for (const [key, link] of this.replyLinks) if (link === sender) this.replyLinks.delete(key);
  }

  /**
   * The link to send a reply on: by `reply-to` (link name or target address), or, for clients that send
   * no `reply-to` (Python's CBS), the reply link on `session` whose source is `node`.
   */
  replyLink(replyTo: string | undefined, session: Session, node: string): Sender | undefined {
    if (replyTo !== undefined) return this.replyLinks.get(replyTo);
    for (const link of this.replyLinks.values()) {
      if (link.session === session && link.source?.address === node) return link;
    }
    return undefined;
  }

  addDeliveryLink(link: DeliveryLink): void {
    this.deliveryLinks.add(link);
  }

  removeDeliveryLink(link: DeliveryLink): void {
    this.deliveryLinks.delete(link);
  }

  /** Releases every link on `session` (the client ended it). */
  releaseSession(session: Session): void {
    for (const link of [...this.deliveryLinks]) if (link.sender.session === session) link.release();
    for (const link of [...this.replyLinks.values()]) if (link.session === session) this.removeReplyLink(link);
  }

  /** Releases everything (the connection closed or dropped). Idempotent. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const link of [...this.deliveryLinks]) link.release();
    this.deliveryLinks.clear();
    this.replyLinks.clear();
  }

  /** Detaches every entity link with `error` (broker shutdown), then releases them. */
  detachAll(error: { condition: string; description: string }): void {
    for (const link of [...this.deliveryLinks]) link.close(error);
  }
}
