import { Prisma } from "@hop/db";
import { createRateLimiter, isRedisUnavailableError, type RateLimitName } from "@hop/redis";
import { TRPCError } from "@trpc/server";
import type { TRPCContext } from "./context";

/** A domain error about one input field ("this email is taken"), shown beside the field like a zod error. */
export class FieldError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export function fieldError(field: string, message: string): TRPCError {
  return new TRPCError({ code: "BAD_REQUEST", message, cause: new FieldError(field, message) });
}

/** The slug asked for is another link's: a field error that the Shlink and dub adapters tell apart (their "non-unique slug", "conflict"). */
export class SlugTakenError extends FieldError {}

export function slugTaken(slug: string): TRPCError {
  const message = `The slug "${slug}" is already taken; choose another`;
  return new TRPCError({ code: "BAD_REQUEST", message, cause: new SlugTakenError("slug", message) });
}

/** An answer that says when to ask again: the HTTP response carries it as Retry-After, the UI as "try again in N s". */
export class RetryLaterError extends Error {
  constructor(
    readonly retryAfterSeconds: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A limit is used up. */
export class RateLimitedError extends RetryLaterError {
  constructor(retryAfterSeconds: number) {
    super(retryAfterSeconds, `Too many attempts. Try again in ${retryAfterSeconds} s.`);
  }
}

export function rateLimited(retryAfterSeconds: number): TRPCError {
  const cause = new RateLimitedError(retryAfterSeconds);
  return new TRPCError({ code: "TOO_MANY_REQUESTS", message: cause.message, cause });
}

/** How long a client is asked to wait while Redis is unreachable (it reconnects by itself within seconds). */
export const redisRetryAfterSeconds = 5;

/** 503 with a wait: something the request needs (Redis, a password-hashing slot) is not available right now. */
export function serviceUnavailable(message: string, retryAfterSeconds: number, cause?: unknown): TRPCError {
  return new TRPCError({ code: "SERVICE_UNAVAILABLE", message, cause: new RetryLaterError(retryAfterSeconds, message, { cause }) });
}

export function redisUnavailable(cause: unknown): TRPCError {
  return serviceUnavailable("This cannot be done right now (the shared store is unreachable). Try again shortly.", redisRetryAfterSeconds, cause);
}

/**
 * Consumes one request of a limit shared by every instance; throws
 * TOO_MANY_REQUESTS with the wait when it is used up. A limiter that cannot
 * be asked fails closed with SERVICE_UNAVAILABLE (503, Retry-After): the
 * attempt is neither let through unlimited nor answered 500.
 */
export async function enforceRateLimit(ctx: Pick<TRPCContext, "redis">, name: RateLimitName, identifier: string): Promise<void> {
  const outcome = await createRateLimiter(ctx.redis, name)
    .consume(identifier)
    .catch((error: unknown) => {
      throw redisUnavailable(error);
    });
  if (!outcome.allowed) throw rateLimited(outcome.retryAfterSeconds);
}

/** Prisma's "unique constraint failed" (P2002). */
export function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}

/** The wait an error asks for (rate limit, unavailable service), or null: for the Retry-After header. */
export function retryAfterSecondsOf(error: unknown): number | null {
  return error instanceof TRPCError && error.cause instanceof RetryLaterError ? error.cause.retryAfterSeconds : null;
}

export { isRedisUnavailableError };
