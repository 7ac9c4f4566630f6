/**
 * Session state as this client sees it. By default (`stateCodec: 'json'`) stored so the official JS
 * SDK reads the same value: a string travels as its JSON text (`"abc"` → the 5 bytes `"abc"`), bytes
 * as they are. See `Session.setState` and `AcceptSessionOptions.stateCodec`.
 */
export type SessionState = string | Uint8Array;
