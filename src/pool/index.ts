export { sessionPool, type PoolableSession, type SessionAcceptor } from './sessionPool';
export type { SessionPoolOptions, SessionPoolBackoff } from './SessionPoolOptions';
