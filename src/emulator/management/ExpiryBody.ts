/**
 * The body map `{ expiration: timestamp }` of a `renew-session-lock` reply. rhea encodes it as the
 * plain object it is; {@link encodeReply} recognises it and writes the reply from a template.
 */
export class ExpiryBody {
  constructor(readonly expiration: Date) {}
}
