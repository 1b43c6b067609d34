export { sessionKey } from './cache.ts';
export { SESSION_COOKIE, SESSION_POLICY } from './policy.ts';
export {
  createSession,
  deleteSessions,
  forgetSessions,
  listUserSessions,
  type SessionStoreDeps,
  type SessionSummary,
  type ValidSession,
  validateSession,
  validateSessionReading,
} from './store.ts';
