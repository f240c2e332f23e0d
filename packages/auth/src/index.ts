export { authEnvSchema, sessionSecretsSchema, type AuthEnv, type SessionSecrets } from "./env";
export { hashPassword, verifyPassword } from "./passwords";
export {
  sealSessionCookie,
  sessionCookieAttributes,
  sessionCookieName,
  unsealSessionCookie,
  type CookieAttributes,
  type SessionCookiePayload,
} from "./session-cookie";
export { createSession, describeDevice, listSessions, readSession, revokeOtherSessions, revokeSession, type SessionRecord } from "./session-registry";
export { resolveSession, type SessionConfig, type SessionUser } from "./resolve";
export { isCrossOriginRequest } from "./csrf";
export { isLinkUnlocked, linkUnlockCookieName, linkUnlockTtlSeconds, sealLinkUnlock } from "./link-unlock";
