export { sessionKey } from './cache.ts';
export { SESSION_COOKIE, SESSION_POLICY } from './policy.ts';
export {
  checkSessionReading,
  createSession,
  deleteSessions,
  forgetSessions,
  listUserSessions,
  SESSION_TOMBSTONE,
  type SessionLookup,
  type SessionStoreDeps,
  type SessionSummary,
  sessionLookup,
  type ValidSession,
  validateSession,
  validateSessionReading,
} from './store.ts';
