export { authEnvSchema, sessionSecretsSchema, type AuthEnv, type SessionSecrets } from "./env";
export { hashPassword, PasswordHashingBusyError, passwordHashingLimits, verifyPassword } from "./passwords";
export {
  sealSessionCookie,
  sessionCookieAttributes,
  sessionCookieName,
  unsealSessionCookie,
  type CookieAttributes,
  type SessionCookiePayload,
} from "./session-cookie";
export {
  advanceSessionEpoch,
  createSession,
  describeDevice,
  listSessions,
  readSession,
  readSessionEpoch,
  revokeOtherSessions,
  revokeSession,
  type SessionRecord,
} from "./session-registry";
export { resolveSession, type SessionConfig, type SessionUser } from "./resolve";
export { hostOfOrigin, isCrossOriginRequest } from "./csrf";
export {
  isLinkUnlocked,
  linkUnlockCookieName,
  linkUnlockTtlSeconds,
  sealLinkUnlock,
  sealUnlockReferrer,
  unlockReferrerCookieName,
  unlockReferrerTtlSeconds,
  unsealUnlockReferrer,
} from "./link-unlock";
export { apiKeyPrefix, apiKeyShownLength, bearerToken, generateApiKey, hashApiKey, looksLikeApiKey } from "./api-keys";
