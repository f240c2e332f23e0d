import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { z, ZodError } from "zod";
import type { SessionUser, TRPCContext } from "./context";
import { PasswordHashingBusyError } from "@hop/auth";
import { FieldError, isRedisUnavailableError, redisUnavailable, RetryLaterError, serviceUnavailable } from "./errors";
import { isOperatorEmail } from "./operators";
import type { ApiKeyScope } from "@hop/validators";
import type { OpenApiMeta } from "trpc-to-openapi";

/**
 * What a procedure declares about itself: `scope`, the API-key scope it needs
 * (a procedure without one refuses API keys: sign-in, sessions, keys
 * themselves), and `openapi`, its REST route under /api/v1 (trpc-to-openapi).
 */
export type HopMeta = OpenApiMeta<{ scope?: ApiKeyScope }>;

const t = initTRPC
  .context<TRPCContext>()
  .meta<HopMeta>()
  .create({
    transformer: superjson,
    // Field messages travel with the error (zod's and domain ones alike), so
    // forms can show them beside the field.
    errorFormatter: ({ shape, error }) => {
      const zodError = error.cause instanceof ZodError ? z.flattenError(error.cause) : null;
      const fieldErrors: Record<string, string[]> | null = zodError
        ? (zodError.fieldErrors as Record<string, string[]>)
        : error.cause instanceof FieldError
          ? { [error.cause.field]: [error.cause.message] }
          : null;
      return {
        ...shape,
        message: zodError ? (Object.values(fieldErrors ?? {})[0]?.[0] ?? zodError.formErrors[0] ?? shape.message) : shape.message,
        data: {
          ...shape.data,
          zodError,
          fieldErrors,
          retryAfterSeconds: error.cause instanceof RetryLaterError ? error.cause.retryAfterSeconds : null,
        },
      };
    },
  });

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

/**
 * What is unavailable for a moment is answered 503 with a wait, never 500:
 * Redis down or too slow (for anything: sessions, limits, caches), or this
 * process already hashing as many passwords as it may.
 */
const unavailableIsNotAFailure = t.middleware(async ({ next }) => {
  const result = await next();
  if (result.ok || result.error.code !== "INTERNAL_SERVER_ERROR") return result;
  const cause = result.error.cause;
  if (cause instanceof PasswordHashingBusyError) throw serviceUnavailable(cause.message, cause.retryAfterSeconds, cause);
  if (isRedisUnavailableError(cause)) throw redisUnavailable(cause);
  return result;
});

/** A request made with an API key reaches only procedures that name a scope, and only with a key that has it. */
const apiKeyScopes = t.middleware(({ ctx, meta, next }) => {
  if (!ctx.apiKey) return next();
  if (!meta?.scope) throw new TRPCError({ code: "FORBIDDEN", message: "API keys cannot call this procedure; it is for the signed-in web app only" });
  if (!ctx.apiKey.scopes.includes(meta.scope)) throw new TRPCError({ code: "FORBIDDEN", message: `This API key lacks the "${meta.scope}" scope` });
  return next();
});

/** A running procedure counts as the process's running work, so a stop closes the connections only after it. */
const countedWhileRunning = t.middleware(({ ctx, next }) => (ctx.runningWork ? ctx.runningWork.track(next()) : next()));

export const publicProcedure = t.procedure.use(countedWhileRunning).use(unavailableIsNotAFailure).use(apiKeyScopes);

/**
 * A procedure for any signed-in session (or an API key with the procedure's
 * scope), also of an account scheduled for deletion: only what such an
 * account may do (see its session, keep the account, sign out). Everything
 * else is a protectedProcedure.
 */
export const signedInProcedure = publicProcedure.use(async ({ ctx, next }) => {
  // A key speaks for its user; its "session" id names the key, for logs only (session procedures take no key).
  const session = ctx.apiKey ? { userId: ctx.apiKey.userId, sessionId: `api-key:${ctx.apiKey.id}` } : await ctx.getSession();
  if (!session) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to continue" });
  // tRPC merges what next() is given into the context: only what is new is passed (a copy of the whole context per call otherwise).
  return next({ ctx: { session } });
});

/**
 * A procedure for signed-in users of an account in use: handlers get
 * `ctx.session` typed as present. An account scheduled for deletion is
 * refused (FORBIDDEN) until its owner keeps it, so nothing can make its links
 * live again or add to what the purge deletes; that costs one indexed read,
 * except for an API key whose cached entry vouches for the account (the
 * machine APIs' hot path: see holdAccountApiKeys, called before a deletion is
 * scheduled).
 */
export const protectedProcedure = signedInProcedure.use(async ({ ctx, next }) => {
  if (ctx.apiKey?.accountInUse) return next();
  const user = await ctx.db.user.findUnique({ where: { id: ctx.session.userId }, select: { deletionScheduledFor: true } });
  if (!user) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to continue" });
  if (user.deletionScheduledFor) {
    throw new TRPCError({ code: "FORBIDDEN", message: "This account is scheduled for deletion. Keep the account (on the account page) to use it again." });
  }
  return next();
});

/** The context a protectedProcedure's handler gets. */
export type ProtectedContext = TRPCContext & { session: SessionUser };

/**
 * A procedure for operators (accounts whose email is in OPERATOR_EMAILS):
 * UNAUTHORIZED when signed out, FORBIDDEN for any other account. The email
 * is read from PostgreSQL, not sealed into the session, so removing an
 * address from OPERATOR_EMAILS (and restarting) takes effect on the next call;
 * it costs one indexed read on these procedures only, and no Redis call.
 */
export const operatorProcedure = protectedProcedure.use(async ({ ctx, next }) => {
  const user = ctx.operatorEmails.length === 0 ? null : await ctx.db.user.findUnique({ where: { id: ctx.session.userId }, select: { email: true } });
  if (!user || !isOperatorEmail(ctx.operatorEmails, user.email)) {
    throw new TRPCError({ code: "FORBIDDEN", message: "Operators only: this account is not in OPERATOR_EMAILS" });
  }
  return next({ ctx: { operator: { userId: ctx.session.userId, email: user.email } } });
});
