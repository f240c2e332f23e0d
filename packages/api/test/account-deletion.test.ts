import { createDatabase, type Database } from "@hop/db";
import { lookUpLink } from "@hop/links";
import { createRedisClient, redisKeys, type RedisClient } from "@hop/redis";
import { createTestDatabase, startRedisServer, type RedisServer } from "@hop/test-harness";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCaller, createTRPCContext } from "../src";

// Issue 12, "how it is proven": deleting an account leaves no row of the user
// in PostgreSQL (every table searched), no session in Redis, and its short
// links stop at once (their cache entries say "no such link").
let redisServer: RedisServer;
let redis: RedisClient;
let db: Database;
const sessionConfig = { secrets: { 1: "deletion-tests-secret-0123456789abcdefghij" }, ttlSeconds: 3_600 };

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

function client(ip = "203.0.113.7") {
  let cookie: string | undefined;
  return {
    get cookie() {
      return cookie;
    },
    async run<T>(work: (api: ReturnType<typeof createCaller>) => Promise<T>): Promise<T> {
      const responseHeaders = new Headers();
      const api = createCaller(
        createTRPCContext({
          db,
          redis: redis.redis,
          instanceId: "web-test",
          request: new Request("https://hop.example/api/trpc", { headers: { cookie: cookie ? `hop_session=${cookie}` : "" } }),
          responseHeaders,
          sessionConfig,
          clientIp: ip,
        }),
      );
      try {
        return await work(api);
      } finally {
        const set = responseHeaders.get("set-cookie");
        if (set) cookie = /hop_session=([^;]*)/.exec(set)?.[1] || undefined;
      }
    },
  };
}

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => "OK",
    (error: unknown) => (error instanceof TRPCError ? error.code : String(error)),
  );

/** An account with two links (one soft-deleted), a tag, clicks and rollups, an API token, a reset token and two sessions. */
async function populatedAccount(email: string) {
  const laptop = client();
  const me = await laptop.run((api) => api.auth.signUp({ email, password: "correct horse battery" }));
  const phone = client("198.51.100.4");
  await phone.run((api) => api.auth.signIn({ email, password: "correct horse battery" }));
  const kept = await laptop.run((api) => api.links.create({ url: "https://example.com/kept", tags: ["launch"] }));
  const gone = await laptop.run((api) => api.links.create({ url: "https://example.com/gone" }));
  await laptop.run((api) => api.links.delete({ id: gone.id }));
  const day = new Date(Date.UTC(2026, 10, 30));
  await db.click.create({ data: { eventId: `${email}-1`, linkId: kept.id, occurredAt: new Date(), visitorHash: "v1" } });
  await db.linkDailyStat.create({ data: { linkId: kept.id, day, clicks: 1, uniqueVisitors: 1 } });
  await db.linkDailyVisitor.create({ data: { linkId: kept.id, day, visitorHash: "v1" } });
  await db.apiToken.create({ data: { userId: me.id, name: "script", tokenHash: `${email}-token`, prefix: "hop_" } });
  await db.import.create({ data: { userId: me.id, source: "csv" } });
  await client().run((api) => api.auth.requestPasswordReset({ email }));
  // A redirect has cached the live link, as it would after its first visit.
  expect((await lookUpLink({ db, redis: redis.redis }, kept.slug, null)).link?.id).toBe(kept.id);
  return { me, laptop, phone, links: [kept, gone] };
}

/** Every row, of every table Prisma's migrations made, that mentions one of these ids anywhere. */
async function rowsMentioning(ids: string[]): Promise<Record<string, number>> {
  const tables = await db.$queryRaw<{ tablename: string }[]>`SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'`;
  expect(tables.length).toBeGreaterThanOrEqual(10);
  const found: Record<string, number> = {};
  for (const { tablename } of tables) {
    for (const id of ids) {
      const [row] = await db.$queryRawUnsafe<{ count: bigint }[]>(
        `SELECT count(*) AS count FROM "${tablename}" t WHERE strpos(row_to_json(t)::text, $1) > 0`,
        id,
      );
      if (row && row.count > 0n) found[tablename] = (found[tablename] ?? 0) + Number(row.count);
    }
  }
  return found;
}

describe("deleting an account", () => {
  it("asks for the password, and a wrong one changes nothing", async () => {
    const { me, laptop } = await populatedAccount("wrong@example.com");
    expect(await codeOf(laptop.run((api) => api.auth.deleteAccount({ password: "not my password" })))).toBe("BAD_REQUEST");
    expect(await codeOf(laptop.run((api) => api.auth.deleteAccount({ password: "" })))).toBe("BAD_REQUEST");
    expect(await db.user.findUnique({ where: { id: me.id } })).not.toBeNull();
    expect(await laptop.run((api) => api.auth.me())).toMatchObject({ id: me.id });
    expect(await codeOf(client().run((api) => api.auth.deleteAccount({ password: "correct horse battery" })))).toBe("UNAUTHORIZED");
  });

  it("leaves no row of the user in PostgreSQL, no session in Redis, its links stopped, and another account untouched", async () => {
    const bob = await populatedAccount("bob@example.com");
    const ada = await populatedAccount("ada@example.com");
    const adaIds = [ada.me.id, ...ada.links.map((link) => link.id)];
    const bobIds = [bob.me.id, ...bob.links.map((link) => link.id)];
    const bobRowsBefore = await rowsMentioning(bobIds);
    // The search finds her rows before (so it can fail): one table of each kind she had.
    expect(Object.keys(await rowsMentioning(adaIds)).sort()).toEqual(
      ["ApiToken", "Click", "Import", "Link", "LinkDailyStat", "LinkDailyVisitor", "LinkTag", "PasswordResetToken", "Tag", "User"].sort(),
    );

    expect(await ada.laptop.run((api) => api.auth.deleteAccount({ password: "correct horse battery" }))).toEqual({ deletedLinks: 2 });

    expect(await rowsMentioning(adaIds)).toEqual({});
    expect(await db.user.findUnique({ where: { email: "ada@example.com" } })).toBeNull();
    expect(await rowsMentioning(bobIds)).toEqual(bobRowsBefore);

    // No session of hers in Redis: no record naming her, no index; her cookies (this one and the phone's) are refused.
    const keys = (await redis.redis.keys("*")).map(String);
    const sessionKeys = keys.filter((key) => key.startsWith(redisKeys.session("")));
    const owners = await Promise.all(sessionKeys.map((key) => redis.redis.hget<string>(key, "userId")));
    expect(owners.map(String)).not.toContain(ada.me.id);
    expect(owners.map(String)).toContain(bob.me.id);
    expect(keys).not.toContain(redisKeys.userSessions(ada.me.id));
    expect(ada.laptop.cookie).toBeUndefined();
    expect(await ada.phone.run((api) => api.auth.me())).toBeNull();
    expect(await codeOf(ada.phone.run((api) => api.links.list({})))).toBe("UNAUTHORIZED");

    // Her short links answer "no such link" from the cache at once, on every instance; Bob's still work.
    for (const link of ada.links) expect(await redis.redis.get(redisKeys.link(link.slug))).toBe("missing");
    expect((await lookUpLink({ db, redis: redis.redis }, ada.links[0]?.slug ?? "", null)).link).toBeNull();
    expect((await lookUpLink({ db, redis: redis.redis }, bob.links[0]?.slug ?? "", null)).link?.id).toBe(bob.links[0]?.id);
    expect(await bob.phone.run((api) => api.auth.me())).toMatchObject({ id: bob.me.id });

    // The email is free again.
    expect(await codeOf(client("192.0.2.1").run((api) => api.auth.signUp({ email: "ada@example.com", password: "another good passphrase" })))).toBe("OK");
  });
});

describe("the profile", () => {
  it("changes the name (an empty one clears it), trims it, refuses a too long one, and needs a session", async () => {
    const ada = client("192.0.2.77");
    await ada.run((api) => api.auth.signUp({ email: "profile@example.com", password: "correct horse battery", name: "Ada" }));
    expect(await ada.run((api) => api.auth.updateProfile({ name: "  Ada Lovelace " }))).toMatchObject({ name: "Ada Lovelace" });
    expect(await ada.run((api) => api.auth.me())).toMatchObject({ name: "Ada Lovelace" });
    expect(await codeOf(ada.run((api) => api.auth.updateProfile({ name: "x".repeat(81) })))).toBe("BAD_REQUEST");
    expect(await ada.run((api) => api.auth.updateProfile({ name: "" }))).toMatchObject({ name: null });
    expect(await codeOf(client().run((api) => api.auth.updateProfile({ name: "Mallory" })))).toBe("UNAUTHORIZED");
    expect((await db.user.findUniqueOrThrow({ where: { email: "profile@example.com" } })).name).toBeNull();
  });
});
