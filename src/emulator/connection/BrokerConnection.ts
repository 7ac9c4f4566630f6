import type { Receiver, Sender, Session } from 'rhea';
import { hasRight } from '../cbs/SasKeyring';
import type { SasRight } from '../config/EmulatorOptions';
import type { DeliveryLink } from '../links/DeliveryLink';
import { Deadline } from '../locks/Deadline';
import type { DeadlineHeap } from '../locks/DeadlineHeap';

/** What one put-token granted: the rights of its key, until when. */
interface Grant {
  readonly expiresAt: number;
  readonly rights: ReadonlySet<SasRight>;
}

/** A link opened under a grant: detached if no grant covers it any more. */
interface AuthorisedLink {
  readonly path: string;
  /** The right it needs; `undefined` = any right (a `$management` link: each operation is checked). */
  readonly right: SasRight | undefined;
}

/** The clock and deadline heap a connection uses to detach links whose token lapsed. */
export interface ConnectionServices {
  now(): number;
  readonly deadlines: DeadlineHeap;
  /**
   * Detach links when their token lapses. Off under a caller's scheduler: tokens carry real Unix times,
   * which a virtual clock jumping ahead would make lapse at once.
   */
  readonly enforceTokenExpiry: boolean;
}

const UNAUTHORISED = 'amqp:unauthorized-access';

/**
 * What the broker knows about one client connection: which entity paths CBS authorised (and until when),
 * the reply links of its `$cbs` and `$management` nodes, and the entity links it must release when
 * the client detaches, ends an AMQP session or goes away.
 */
export class BrokerConnection {
  // Each collection is made when first needed and dropped on dispose: most connections (a fuzzer's, a
  // client's that only sends) need few of them, and a connection lives long enough to be promoted.
  /** Authorised entity paths (lower-case, `''` = whole namespace) → the latest grant. */
  private authorised: Map<string, Grant> | undefined;
  /** Links opened under a grant (entity senders and receivers, `$management` links). */
  private links: Map<Sender | Receiver, AuthorisedLink> | undefined;
  /** Fires at the earliest grant expiry: links no grant covers any more are detached. */
  private expiry: Deadline | undefined;
  /** Reply links by link name and by target address (CBS replies go by name, management by address; G10). */
  private replyLinks: Map<string, Sender> | undefined;
  /** Entity receivers (the broker's senders) of this connection. */
  private deliveryLinks: Set<DeliveryLink> | undefined;
  /** {@link rightsFor} results by path, each valid until the earliest expiry among the grants in it; cleared when a grant is added or removed. */
  private rightsByPath: Map<string, { readonly rights: ReadonlySet<SasRight>; readonly from: number; readonly validUntil: number }> | undefined;
  private disposed = false;

  constructor(
    private readonly services: ConnectionServices,
    /** The host the client addressed in its open (`hostname`), lower-case, without port. */
    readonly namespaceHost: string,
  ) {}

  /**
   * Records a successful put-token for `path` valid until `expiresAt` (Unix ms) with `rights`. A new token
   * for the same path replaces the previous one (a renewal; Service Bus lets a client renew before expiry).
   */
  authorise(path: string, expiresAt: number, rights: ReadonlySet<SasRight>): void {
    (this.authorised ??= new Map()).set(path, { expiresAt, rights });
    this.rightsByPath?.clear();
    this.armExpiry();
  }

  /**
   * True when an unexpired put-token for `path` or a prefix of it (a token for `sb://host/q` covers
   * `q/$management`; one for the namespace covers everything) grants `right` (any right when undefined).
   */
  isAuthorised(path: string, now: number, right?: SasRight): boolean {
    if (this.authorised === undefined) return false;
    for (const [granted, grant] of this.authorised) {
      if (grant.expiresAt > now && covers(granted, path) && (right === undefined || hasRight(grant.rights, right))) return true;
    }
    return false;
  }

  /** The rights the unexpired tokens covering `path` grant, together (one shared set per path until a grant in it expires or the grants change). */
  rightsFor(path: string, now: number): ReadonlySet<SasRight> {
    const cached = this.rightsByPath?.get(path);
    if (cached !== undefined && now >= cached.from && now < cached.validUntil) return cached.rights;
    const rights = new Set<SasRight>();
    let validUntil = Number.POSITIVE_INFINITY;
    for (const [granted, grant] of this.authorised ?? []) {
      if (grant.expiresAt > now && covers(granted, path)) {
        for (const right of grant.rights) rights.add(right);
        if (grant.expiresAt < validUntil) validUntil = grant.expiresAt;
      }
    }
    (this.rightsByPath ??= new Map()).set(path, { rights, from: now, validUntil });
    return rights;
  }

  /** Tracks a link opened under a grant for `path` (needing `right`): it is detached when no grant covers it. */
  trackLink(link: Sender | Receiver, path: string, right: SasRight | undefined): void {
    (this.links ??= new Map()).set(link, { path, right });
  }

  /** Forgets a link (it detached or was refused). */
  untrackLink(link: Sender | Receiver): void {
    this.links?.delete(link);
  }

  private armExpiry(): void {
    let earliest = Number.POSITIVE_INFINITY;
    for (const grant of this.authorised?.values() ?? []) if (grant.expiresAt < earliest) earliest = grant.expiresAt;
    if (earliest === Number.POSITIVE_INFINITY || !this.services.enforceTokenExpiry) {
      if (this.expiry !== undefined) this.services.deadlines.cancel(this.expiry);
    } else if (!this.disposed) this.services.deadlines.schedule((this.expiry ??= new Deadline(0, (now) => this.onExpiry(now))), earliest);
  }

  /** A token lapsed: forget expired grants, detach the links no grant covers any more (amqp:unauthorized-access). */
  private onExpiry(now: number): void {
    const authorised = this.authorised;
    if (authorised !== undefined) for (const [path, grant] of authorised) if (grant.expiresAt <= now) authorised.delete(path);
    this.rightsByPath?.clear();
    for (const [link, needs] of [...(this.links ?? [])]) {
      if (this.isAuthorised(needs.path, now, needs.right)) continue;
      this.links?.delete(link);
      const error = { condition: UNAUTHORISED, description: `The token for '${needs.path}' expired and was not renewed with a put-token.` };
      const delivery = [...(this.deliveryLinks ?? [])].find((d) => d.sender === link);
      if (delivery !== undefined) delivery.close(error);
      else if (!link.is_closed()) link.close(error);
    }
    this.armExpiry();
  }

  addReplyLink(sender: Sender): void {
    const replyLinks = (this.replyLinks ??= new Map());
    replyLinks.set(sender.name, sender);
    const address = sender.target?.address;
    if (typeof address === 'string' && address.length > 0) replyLinks.set(address, sender);
  }

  removeReplyLink(sender: Sender): void {
    const replyLinks = this.replyLinks;
    if (replyLinks !== undefined) for (const [key, link] of replyLinks) if (link === sender) replyLinks.delete(key);
  }

  /**
   * The link to send a reply on: by `reply-to` (link name or target address), or, for clients that send
   * no `reply-to` (Python's CBS), the reply link on `session` whose source is `node`.
   */
  replyLink(replyTo: string | undefined, session: Session, node: string): Sender | undefined {
    if (replyTo !== undefined) return this.replyLinks?.get(replyTo);
    for (const link of this.replyLinks?.values() ?? []) {
      if (link.session === session && link.source?.address === node) return link;
    }
    return undefined;
  }

  addDeliveryLink(link: DeliveryLink): void {
    (this.deliveryLinks ??= new Set()).add(link);
  }

  removeDeliveryLink(link: DeliveryLink): void {
    this.deliveryLinks?.delete(link);
  }

  /** Releases every link on `session` (the client ended it). */
  releaseSession(session: Session): void {
    if (this.deliveryLinks !== undefined) for (const link of [...this.deliveryLinks]) if (link.sender.session === session) link.release();
    if (this.replyLinks !== undefined) for (const link of [...this.replyLinks.values()]) if (link.session === session) this.removeReplyLink(link);
    if (this.links !== undefined) for (const link of [...this.links.keys()]) if (link.session === session) this.links.delete(link);
  }

  /** Releases everything (the connection closed or dropped). Idempotent. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.expiry !== undefined) this.services.deadlines.cancel(this.expiry);
    this.links = undefined;
    const deliveryLinks = this.deliveryLinks;
    if (deliveryLinks !== undefined) for (const link of [...deliveryLinks]) link.release();
    this.deliveryLinks = undefined;
    this.replyLinks = undefined;
  }

  /** Detaches every entity link with `error` (broker shutdown), then releases them. */
  detachAll(error: { condition: string; description: string }): void {
    for (const link of [...(this.deliveryLinks ?? [])]) link.close(error);
  }
}

/** True when a grant for `granted` covers `path` (the same path, a child of it, or `''` = the namespace). */
function covers(granted: string, path: string): boolean {
  return granted === '' || path === granted || path.startsWith(`${granted}/`);
}
