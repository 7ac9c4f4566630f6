import { map, Observable, switchMap, take, type SchedulerLike, type Subscription, type Unsubscribable } from 'rxjs';
import type { CbsToken, TokenProvider } from '../auth/TokenProvider';
import type { RequestResponseLink } from './RequestResponseLink';

/** After a failed CBS refresh, try again this much later (bounded by the token's expiry). */
const REFRESH_RETRY_MS = 30_000;

/** A new holder joins an audience's token without a put-token of its own if the token is held, kept fresh and valid this much longer. */
const JOIN_MIN_VALIDITY_MS = 60_000;

/** What holds an authorization: told when it can no longer be kept fresh. */
export interface AuthorizationHolder {
  error(err: unknown): void;
}

interface AudienceHold {
  readonly audience: string;
  holders: Set<AuthorizationHolder>;
  timer: Subscription | undefined;
  expiresOn: number;
}

/**
 * The CBS authorizations of one connection: put-tokens on its `$cbs` pair, kept fresh per audience
 * (one scheduled action per audience, however many links hold it) until the last holder releases it
 * or the connection is lost ({@link clear}).
 */
export class CbsAuthorizations {
  private readonly audiences = new Map<string, AudienceHold>();

  constructor(
    private readonly cbs$: Observable<RequestResponseLink>,
    private readonly tokens: TokenProvider,
    /** `sb://host[:port]/`: prefix of every audience. */
    private readonly endpoint: string,
    private readonly scheduler: SchedulerLike,
    /** Whether the connection is lost (then nothing is refreshed). */
    private readonly isLost: () => boolean,
  ) {}

  /** Cold: one CBS put-token for `endpoint + entityPath`; emits the token used, completes. */
  putToken(entityPath: string): Observable<CbsToken> {
    const audience = this.endpoint + entityPath;
    return this.tokens.getToken(audience).pipe(
      switchMap((token) =>
        this.cbs$.pipe(
          take(1),
          switchMap((cbs) =>
            cbs.request(
              { to: '$cbs', application_properties: { operation: 'put-token', name: audience, type: token.type }, body: token.token },
              { entityPath },
            ),
          ),
          map(() => token),
        ),
      ),
    );
  }

  /**
   * Cold: authorizes `entityPath` with a put-token, emits once when done, and keeps the authorization
   * fresh until unsubscribed. Errors with the put-token failure (`UnauthorizedError`,
   * `EntityNotFoundError`, …), or later if refreshing keeps failing until the token expires.
   */
  holdAuthorization(entityPath: string): Observable<void> {
    return new Observable<void>((subscriber) => this.hold(entityPath, subscriber, () => subscriber.next()));
  }

  /**
   * What {@link holdAuthorization} does, without an Observable of its own (thousands of receivers each
   * hold one): sends a put-token, calls `authorized` once it is accepted, keeps it fresh while held, and
   * reports a failure (now or of a later refresh) to `holder.error`. Returns the hold (unsubscribe releases it). When the
   * connection already holds the audience's token, kept fresh and valid for at least another minute, the
   * holder joins it: `authorized` is called at once, without a put-token of its own.
   */
  hold(entityPath: string, holder: AuthorizationHolder, authorized: () => void): Unsubscribable {
    const audience = this.endpoint + entityPath;
    let h = this.audiences.get(audience);
    if (!h) {
      h = { audience, holders: new Set(), timer: undefined, expiresOn: 0 };
      this.audiences.set(audience, h);
    }
    const held = new AuthorizationHold(this.audiences, h, holder);
    // The connection already holds a fresh token for this audience (a put-token authorizes the
    // connection, not one link) and keeps it fresh while anyone holds it: join it, no round trip.
    if (h.holders.size > 0 && h.timer !== undefined && h.expiresOn - this.scheduler.now() > JOIN_MIN_VALIDITY_MS) {
      h.holders.add(holder);
      authorized();
      return held;
    }
    const audienceHold = h;
    const putting = this.putToken(entityPath).subscribe({
      next: (token) => {
        audienceHold.holders.add(holder);
        this.scheduleRefresh(entityPath, audienceHold, token);
        authorized();
      },
      error: (err: unknown) => holder.error(err),
      complete: () => (held.putting = undefined),
    });
    if (!putting.closed) held.putting = putting;
    return held;
  }

  /** The connection is lost: stops every refresh and forgets every audience. */
  clear(): void {
    for (const hold of this.audiences.values()) hold.timer?.unsubscribe();
    this.audiences.clear();
  }

  private scheduleRefresh(entityPath: string, hold: AudienceHold, token: CbsToken): void {
    hold.expiresOn = token.expiresOnTimestamp;
    hold.timer?.unsubscribe();
    hold.timer = this.scheduler.schedule(() => this.refresh(entityPath, hold), Math.max(0, token.refreshAt - this.scheduler.now()));
  }

  private refresh(entityPath: string, hold: AudienceHold): void {
    hold.timer = undefined;
    if (hold.holders.size === 0 || this.isLost()) return;
    this.putToken(entityPath).subscribe({
      next: (token) => {
        if (hold.holders.size > 0) this.scheduleRefresh(entityPath, hold, token);
      },
      error: (err: unknown) => {
        const remaining = hold.expiresOn - this.scheduler.now();
        if (remaining > 1000 && hold.holders.size > 0) {
          hold.timer = this.scheduler.schedule(() => this.refresh(entityPath, hold), Math.min(REFRESH_RETRY_MS, remaining / 2));
        } else {
          // The token is about to expire and could not be renewed: the holders' links will be refused.
          for (const holder of [...hold.holders]) holder.error(err);
        }
      },
    });
  }
}

/** One holder's hold of an audience's authorization (one object: thousands of links hold one); unsubscribing releases it. */
class AuthorizationHold implements Unsubscribable {
  /** The holder's own put-token while in flight. */
  putting: Subscription | undefined;

  constructor(
    private readonly audiences: Map<string, AudienceHold>,
    private readonly hold: AudienceHold,
    private readonly holder: AuthorizationHolder,
  ) {}

  unsubscribe(): void {
    const { hold, audiences } = this;
    this.putting?.unsubscribe();
    this.putting = undefined;
    hold.holders.delete(this.holder);
    if (hold.holders.size === 0) {
      hold.timer?.unsubscribe();
      hold.timer = undefined;
      if (audiences.get(hold.audience) === hold) audiences.delete(hold.audience);
    }
  }
}
