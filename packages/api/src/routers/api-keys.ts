import { apiKeyShownLength, generateApiKey, hashApiKey } from "@hop/auth";
import { apiKeyIdInput, apiKeyScopeSchema, createApiKeyInput, maxApiKeysPerUser } from "@hop/validators";
import { TRPCError, type TRPCRouterRecord } from "@trpc/server";
import { markApiKeyRevoked } from "../api-keys/authenticate";
import { redisUnavailable } from "../errors";
import { protectedProcedure } from "../trpc";

/**
 * A user's API keys, managed from the signed-in web app only: no procedure
 * here names a scope, so an API key can neither mint nor revoke keys.
 */
export const apiKeysRouter = {
  /** A new key: returned whole this once; only its SHA-256 and its first characters are kept. */
  create: protectedProcedure.input(createApiKeyInput).mutation(async ({ ctx, input }) => {
    const userId = ctx.session.userId;
    const live = await ctx.db.apiToken.count({ where: { userId, revokedAt: null } });
    if (live >= maxApiKeysPerUser) {
      throw new TRPCError({ code: "BAD_REQUEST", message: `An account holds at most ${maxApiKeysPerUser} keys: revoke one you no longer use first` });
    }
    const key = generateApiKey();
    const token = await ctx.db.apiToken.create({
      data: { userId, name: input.name, scopes: input.scopes, tokenHash: hashApiKey(key), prefix: key.slice(0, apiKeyShownLength) },
      select: { id: true, name: true, prefix: true, scopes: true, createdAt: true },
    });
    return { ...token, scopes: input.scopes, key };
  }),

  /** The live keys, newest first: name, first characters, scopes, when created and last used. */
  list: protectedProcedure.query(async ({ ctx }) => {
    const tokens = await ctx.db.apiToken.findMany({
      where: { userId: ctx.session.userId, revokedAt: null },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      select: { id: true, name: true, prefix: true, scopes: true, createdAt: true, lastUsedAt: true },
    });
    return tokens.map((token) => ({ ...token, scopes: token.scopes.flatMap((scope) => apiKeyScopeSchema.safeParse(scope).data ?? []) }));
  }),

  /**
   * Refused on every instance from the moment this returns: the Redis mark is
   * written first (a cached copy of the key cannot outlive it), then the row.
   * With Redis away nothing is changed (503), so a revocation never half-works.
   */
  revoke: protectedProcedure.input(apiKeyIdInput).mutation(async ({ ctx, input }) => {
    const token = await ctx.db.apiToken.findFirst({
      where: { id: input.id, userId: ctx.session.userId, revokedAt: null },
      select: { id: true, tokenHash: true },
    });
    if (!token) throw new TRPCError({ code: "NOT_FOUND", message: "That API key does not exist or was already revoked" });
    await markApiKeyRevoked(ctx.redis, token.tokenHash).catch((error: unknown) => {
      throw redisUnavailable(error);
    });
    await ctx.db.apiToken.update({ where: { id: token.id }, data: { revokedAt: new Date() } });
    return { id: token.id };
  }),
} satisfies TRPCRouterRecord;
