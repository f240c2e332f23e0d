import { purgeDueAccounts } from "@hop/accounts";
import { hashApiKey } from "@hop/auth";
import { createDatabase, type Database } from "@hop/db";
import { createRedisClient, redisKeys, type RedisClient } from "@hop/redis";
import { createTestDatabase, startRedisServer, type RedisServer } from "@hop/test-harness";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKeyContext, createCaller, createTRPCContext } from "../src";

// An API key's cached entry vouches that its account is in use, so the machine
// APIs' procedures skip that read; the rule it must keep: a key of an account
// scheduled for deletion is refused at once, on every instance, and works
// again at once when the account is kept. Real PostgreSQL and Redis; each
// "instance" is its own context over the same backing services.
let redisServer: RedisServer;
let redis: RedisClient;
let db: Database;
const sessionConfig = { secrets: { 1: "api-key-account-secret-0123456789abcdefghij" }, ttlSeconds: 3_600 };
const password = "correct horse battery";

beforeAll(async () => {
  redisServer = await startRedisServer();
  redis = createRedisClient({ REDIS_URL: redisServer.url });
  db = createDatabase(await createTestDatabase());
});
afterAll(async () => {
  await db?.$disconnect();
  await redis?.close();
  await redisServer?.dispose();
});

/** A browser: session-cookie calls, the cookie kept between them. */
function browser() {
  let cookie: string | undefined;
  return async <T>(work: (api: ReturnType<typeof createCaller>) => Promise<T>): Promise<T> => {
    const responseHeaders = new Headers();
    const request = new Request("https://hop.example/api/trpc", { headers: { cookie: cookie ? `hop_session=${cookie}` : "" } });
    try {
      return await work(
        createCaller(createTRPCContext({ db, redis: redis.redis, instanceId: "web-a", request, responseHeaders, sessionConfig, clientIp: "203.0.113.7" })),
      );
    } finally {
      const set = responseHeaders.get("set-cookie");
      if (set) cookie = /hop_session=([^;]*)/.exec(set)?.[1] || undefined;
    }
  };
}

/** One machine-API call with the key, as instance `instanceId` answers it: "OK" or the refusal's code. */
async function callWithKey(instanceId: string, key: string): Promise<string> {
  try {
    const context = await createApiKeyContext({
      db,
      redis: redis.redis,
      instanceId,
      request: new Request("https://hop.example/api/v1/links", { headers: { authorization: `Bearer ${key}` } }),
      responseHeaders: new Headers(),
      sessionConfig,
      clientIp: "203.0.113.8",
    });
    await createCaller(context).links.list({});
    return "OK";
  } catch (error) {
    if (error instanceof TRPCError) return error.code;
    throw error;
  }
}

describe("an API key and its account's deletion", () => {
  it("the cached entry vouches for the account; scheduling refuses the key at once on every instance, keeping lets it in at once, the purge ends it", async () => {
    const web = browser();
    const me = await web((api) => api.auth.signUp({ email: "keys@example.com", password }));
    const { key } = await web((api) => api.apiKeys.create({ name: "script", scopes: ["links:read"] }));
    const entry = () => redis.redis.get<unknown>(redisKeys.apiKey(hashApiKey(key)));

    expect(await callWithKey("web-a", key)).toBe("OK");
    expect(await entry()).toMatchObject({ userId: me.id, accountInUse: true });
    // The entry is what answers: a schedule written behind the API's back (no hold) is not seen while it stands.
    // (This is why the deletion procedure holds the keys first; it proves the read is skipped.)
    await db.user.update({ where: { id: me.id }, data: { deletionScheduledFor: new Date(Date.now() + 86_400_000) } });
    expect(await callWithKey("web-b", key)).toBe("OK");
    await db.user.update({ where: { id: me.id }, data: { deletionScheduledFor: null } });

    // Scheduled through the procedure: refused at once, on another instance too, and no lookup puts a vouching entry back.
    const { deletionScheduledFor } = await web((api) => api.auth.deleteAccount({ password, confirmation: "DELETE" }));
    expect(await callWithKey("web-b", key)).toBe("FORBIDDEN");
    expect(await callWithKey("web-a", key)).toBe("FORBIDDEN");
    expect(await entry()).toBe("account-changing");
    // Once the hold has gone, an entry is filled again, and it does not vouch.
    await redis.redis.del(redisKeys.apiKey(hashApiKey(key)));
    expect(await callWithKey("web-a", key)).toBe("FORBIDDEN");
    expect(await entry()).toMatchObject({ userId: me.id, accountInUse: false });
    expect(await callWithKey("web-b", key)).toBe("FORBIDDEN");

    // Kept: the key works at once, and its entry vouches again after one call.
    const back = browser();
    await back((api) => api.auth.signIn({ email: "keys@example.com", password }));
    await back((api) => api.auth.cancelAccountDeletion());
    expect(await callWithKey("web-b", key)).toBe("OK");
    expect(await entry()).toMatchObject({ accountInUse: true });
    expect(await callWithKey("web-a", key)).toBe("OK");

    // Scheduled again and purged: the key is unknown from then on.
    await back((api) => api.auth.deleteAccount({ password, confirmation: "DELETE" }));
    expect(await callWithKey("web-a", key)).toBe("FORBIDDEN");
    await purgeDueAccounts({ db, redis: redis.redis }, new Date(deletionScheduledFor.getTime() + 30 * 86_400_000));
    expect(await db.user.findUnique({ where: { id: me.id } })).toBeNull();
    expect(await callWithKey("web-b", key)).toBe("UNAUTHORIZED");
  });

  it("a revoked key stays refused when its account is kept (keeping drops entries and holds, never a revocation's mark)", async () => {
    const web = browser();
    await web((api) => api.auth.signUp({ email: "revoked@example.com", password }));
    const kept = await web((api) => api.apiKeys.create({ name: "kept", scopes: ["links:read"] }));
    const revoked = await web((api) => api.apiKeys.create({ name: "revoked", scopes: ["links:read"] }));
    expect(await callWithKey("web-a", kept.key)).toBe("OK");
    expect(await callWithKey("web-a", revoked.key)).toBe("OK");
    await web((api) => api.apiKeys.revoke({ id: revoked.id }));
    expect(await callWithKey("web-b", revoked.key)).toBe("UNAUTHORIZED");
    await web((api) => api.auth.deleteAccount({ password, confirmation: "DELETE" }));
    const back = browser();
    await back((api) => api.auth.signIn({ email: "revoked@example.com", password }));
    await back((api) => api.auth.cancelAccountDeletion());
    expect(await redis.redis.get(redisKeys.apiKey(hashApiKey(revoked.key)))).toBe("revoked");
    expect(await callWithKey("web-b", revoked.key)).toBe("UNAUTHORIZED");
    // The live key's hold went with the keeping: its next call fills an entry that vouches.
    expect(await redis.redis.get(redisKeys.apiKey(hashApiKey(kept.key)))).toBeNull();
    expect(await callWithKey("web-b", kept.key)).toBe("OK");
    expect(await redis.redis.get(redisKeys.apiKey(hashApiKey(kept.key)))).toMatchObject({ accountInUse: true });
  });
});
