/** The fields of a `renew-session-lock` request the broker answers it with. */
export class RenewRequest {
  constructor(
    /** `message-id` (a string): the reply's `correlation-id`. */
    readonly messageId: string,
    /** `reply-to`: the link the reply goes on. */
    readonly replyTo: string,
    /** The body's `session-id`. */
    readonly sessionId: string,
    /** The `associated-link-name` application property, when there is one. */
    readonly associatedLinkName: string | undefined,
  ) {}
}
