import { Ratelimit } from "@upstash/ratelimit";
import type { Redis } from "@upstash/redis";
import { redisKeys } from "./keys";

export interface RateLimitRule {
  /** Requests allowed per window and identifier. */
  limit: number;
  windowSeconds: number;
}

/** Hop's limits, on by default. Sliding windows: no burst at a window's edge. */
export const rateLimitRules = {
  /** Sign-in attempts from one client address, whatever the accounts. */
  signInPerIp: { limit: 20, windowSeconds: 15 * 60 },
  /**
   * Sign-in attempts at one account from one client address: what stops
   * guessing. Keyed on the pair, so somebody else's failures elsewhere never
   * lock the owner out.
   */
  signInPerEmailAndClient: { limit: 5, windowSeconds: 15 * 60 },
  /**
   * Sign-in attempts at one account from everywhere: a looser ceiling that
   * slows guessing spread over many addresses (and bounds the argon2 work one
   * account can cause), high enough that locking the owner out takes many
   * addresses, each of them held to the limit above.
   */
  signInPerEmail: { limit: 50, windowSeconds: 15 * 60 },
  /** New accounts from one client address. */
  signUpPerIp: { limit: 5, windowSeconds: 60 * 60 },
  /** Password changes (each checks the current password with argon2) by one signed-in user, from any session. */
  passwordChangePerUser: { limit: 5, windowSeconds: 15 * 60 },
  /** "Forgot password" requests from one client address, whatever the emails. */
  passwordResetPerIp: { limit: 10, windowSeconds: 60 * 60 },
  /** "Forgot password" requests for one email from everywhere: bounds the mail one inbox can be sent. */
  passwordResetPerEmail: { limit: 3, windowSeconds: 60 * 60 },
  /** Attempts at a reset link from one client address (each checks a token; the token's 256 bits do the rest). */
  passwordResetRedeemPerIp: { limit: 20, windowSeconds: 15 * 60 },
  /** Account deletion attempts (each checks the password with argon2) by one signed-in user. */
  accountDeletePerUser: { limit: 5, windowSeconds: 15 * 60 },
  /** Email-change requests (each checks the password and sends a mail) by one signed-in user. */
  emailChangePerUser: { limit: 5, windowSeconds: 60 * 60 },
  /** Attempts at an email-change link from one client address. */
  emailChangeConfirmPerIp: { limit: 20, windowSeconds: 15 * 60 },
  /** New links from one account (an API script included). */
  linkCreatePerUser: { limit: 120, windowSeconds: 60 },
  /** Password guesses at one protected link from one client address. */
  linkUnlockPerIp: { limit: 10, windowSeconds: 15 * 60 },
  /** Requests made with one API key (REST, tRPC), from anywhere; API_KEY_RATE_LIMIT_PER_MINUTE overrides the limit. */
  apiKeyRequests: { limit: 600, windowSeconds: 60 },
  /** Probes one operator sends through the job queue from /system. */
  probeSendPerOperator: { limit: 10, windowSeconds: 60 },
} as const satisfies Record<string, RateLimitRule>;

export type RateLimitName = keyof typeof rateLimitRules;

/** Whether the request may go on, and what the RateLimit-* headers tell the client: the limit, what is left, seconds until the window resets. */
export type RateLimitOutcome = { limit: number; remaining: number; resetSeconds: number } & ({ allowed: true } | { allowed: false; retryAfterSeconds: number });

/**
 * A limiter shared by every instance (its counters live in Redis). It waits
 * for Redis rather than letting requests through on a timeout (the library's
 * default would allow on timeout): an attacker must not win by slowing Redis.
 */
export function createRateLimiter(redis: Redis, name: RateLimitName, rule: RateLimitRule = rateLimitRules[name]) {
  const ratelimit = new Ratelimit({
    redis,
    limiter: Ratelimit.slidingWindow(rule.limit, `${rule.windowSeconds} s`),
    prefix: redisKeys.rateLimit(name),
    timeout: 0,
    ephemeralCache: false,
    analytics: false,
  });
  return {
    rule,
    async consume(identifier: string): Promise<RateLimitOutcome> {
      const result = await ratelimit.limit(identifier);
      const resetSeconds = Math.max(1, Math.ceil((result.reset - Date.now()) / 1000));
      const counts = { limit: result.limit, remaining: Math.max(0, result.remaining), resetSeconds };
      if (result.success) return { allowed: true, ...counts };
      return { allowed: false, retryAfterSeconds: resetSeconds, ...counts };
    },
  };
}
export type RateLimiter = ReturnType<typeof createRateLimiter>;
