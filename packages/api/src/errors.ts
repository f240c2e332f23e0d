import { Prisma } from "@hop/db";
import { createRateLimiter, type RateLimitName } from "@hop/redis";
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

/** Carries how long to wait, for the UI's "try again in N s". */
export class RateLimitedError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many attempts. Try again in ${retryAfterSeconds} s.`);
  }
}

export function rateLimited(retryAfterSeconds: number): TRPCError {
  const cause = new RateLimitedError(retryAfterSeconds);
  return new TRPCError({ code: "TOO_MANY_REQUESTS", message: cause.message, cause });
}

/** Consumes one request of a limit shared by every instance; throws TOO_MANY_REQUESTS with the wait when it is used up. */
export async function enforceRateLimit(ctx: Pick<TRPCContext, "redis">, name: RateLimitName, identifier: string): Promise<void> {
  const outcome = await createRateLimiter(ctx.redis, name).consume(identifier);
  if (!outcome.allowed) throw rateLimited(outcome.retryAfterSeconds);
}

/** Prisma's "unique constraint failed" (P2002). */
export function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}
