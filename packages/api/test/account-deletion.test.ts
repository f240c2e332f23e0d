import { purgeDueAccounts } from "@hop/accounts";
import { createDatabase, type Database } from "@hop/db";
import { lookUpLink } from "@hop/links";
import { createRedisClient, redisKeys, type RedisClient } from "@hop/redis";
import { createTestDatabase, startRedisServer, type RedisServer } from "@hop/test-harness";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCaller, createTRPCContext } from "../src";

// Issue 12, "how it is proven": deleting an account ends its sessions and
// stops its short links at once, keeps it for a grace period in which signing
// in can keep it, and then the scheduled purge leaves no row of the user in
// PostgreSQL (every table searched) and no key of theirs in Redis.
let redisServer: RedisServer;
let redis: RedisClient;
let db: Database;
let databaseUrl: string;
const sessionConfig = { secrets: { 1: "deletion-tests-secret-0123456789abcdefghij" }, ttlSeconds: 3_600 };

beforeAll(async () => {
  redisServer = await startRedisServer();
  redis = createRedisClient({ REDIS_URL: redisServer.url });
  databaseUrl = await createTestDatabase();
  db = createDatabase(databaseUrl);
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

const password = "correct horse battery";
const confirm = { password, confirmation: "DELETE" };
const graceDays = 7;

/** An account with two links (one soft-deleted), a tag, clicks and rollups, an API token, a reset token and two sessions. */
async function populatedAccount(email: string) {
  const laptop = client();
  const me = await laptop.run((api) => api.auth.signUp({ email, password }));
  const phone = client("198.51.100.4");
  await phone.run((api) => api.auth.signIn({ email, password }));
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

/** The mails about scheduled deletions queued for an address. */
const deletionMails = (to: string) =>
  db.$queryRaw<{ payload: { to: string; deletionScheduledFor: string; signInUrl: string } }[]>`
    SELECT j.payload FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id
    WHERE t.identifier = 'mail.accountDeletionScheduled' AND j.payload->>'to' = ${to} ORDER BY j.id`;

/**
 * Every Redis key that names one of these ids or slugs (sessions are found through their userId field). Rate-limit
 * counters are left out: a number under an id, gone by itself when its window ends.
 */
async function redisKeysOf(ids: string[], slugs: string[]): Promise<string[]> {
  const keys = (await redis.redis.keys("*")).map(String).filter((key) => !key.startsWith(redisKeys.rateLimit("")));
  const found = keys.filter((key) => ids.some((id) => key.includes(id)) || slugs.some((slug) => key === redisKeys.link(slug)));
  for (const key of keys.filter((key) => key.startsWith(redisKeys.session("")))) {
    const owner = await redis.redis.hget<string>(key, "userId");
    if (owner !== null && ids.includes(String(owner))) found.push(key);
  }
  return found;
}

describe("deleting an account", () => {
  it("asks for the password and the typed word, and a wrong one changes nothing", async () => {
    const { me, laptop } = await populatedAccount("wrong@example.com");
    expect(await codeOf(laptop.run((api) => api.auth.deleteAccount({ password: "not my password", confirmation: "DELETE" })))).toBe("BAD_REQUEST");
    expect(await codeOf(laptop.run((api) => api.auth.deleteAccount({ password: "", confirmation: "DELETE" })))).toBe("BAD_REQUEST");
    expect(await codeOf(laptop.run((api) => api.auth.deleteAccount({ password, confirmation: "" })))).toBe("BAD_REQUEST");
    expect(await codeOf(laptop.run((api) => api.auth.deleteAccount({ password, confirmation: "yes" })))).toBe("BAD_REQUEST");
    expect((await db.user.findUniqueOrThrow({ where: { id: me.id } })).deletionScheduledFor).toBeNull();
    expect(await deletionMails("wrong@example.com")).toEqual([]);
    expect(await laptop.run((api) => api.auth.me())).toMatchObject({ id: me.id });
    expect(await codeOf(client().run((api) => api.auth.deleteAccount(confirm)))).toBe("UNAUTHORIZED");
  });

  it("schedules it: every session ends and the links stop at once, a mail gives the date, and no row goes yet", async () => {
    const ada = await populatedAccount("schedule@example.com");
    const before = Date.now();
    const result = await ada.laptop.run((api) => api.auth.deleteAccount({ password, confirmation: " delete " }));
    const due = result.deletionScheduledFor.getTime();
    expect(due).toBeGreaterThanOrEqual(before + graceDays * 86_400_000);
    expect(due).toBeLessThanOrEqual(Date.now() + graceDays * 86_400_000);
    expect(result.links).toBe(2);

    // Sessions: this one's cookie cleared, the phone's refused, no record or index of hers left.
    expect(ada.laptop.cookie).toBeUndefined();
    expect(await ada.phone.run((api) => api.auth.me())).toBeNull();
    expect(await codeOf(ada.phone.run((api) => api.links.list({})))).toBe("UNAUTHORIZED");
    const sessionKeys = (await redisKeysOf([ada.me.id], [])).filter((key) => key !== redisKeys.sessionEpoch(ada.me.id));
    expect(sessionKeys).toEqual([]);

    // Links: the cache says "no such link" at once, and PostgreSQL does too once that entry expires.
    const [kept] = ada.links;
    expect(await redis.redis.get(redisKeys.link(kept?.slug ?? ""))).toBe("missing");
    await redis.redis.del(redisKeys.link(kept?.slug ?? ""));
    expect((await lookUpLink({ db, redis: redis.redis }, kept?.slug ?? "", null)).link).toBeNull();

    // The mail: to her, with the date and where to sign in to keep the account.
    const [mail] = await deletionMails("schedule@example.com");
    expect(mail?.payload).toEqual({
      to: "schedule@example.com",
      deletionScheduledFor: result.deletionScheduledFor.toISOString(),
      signInUrl: "https://hop.example/signin",
    });

    // Nothing is deleted yet, and a purge before the date deletes nothing.
    expect(await purgeDueAccounts({ db, redis: redis.redis })).toEqual({ accounts: 0, links: 0 });
    expect(await db.link.count({ where: { userId: ada.me.id } })).toBe(2);
    expect((await db.user.findUniqueOrThrow({ where: { id: ada.me.id } })).deletionScheduledFor).toEqual(result.deletionScheduledFor);
  });

  it("signing in within the grace period offers only to keep it; keeping it brings the links back at once", async () => {
    const ada = await populatedAccount("keep@example.com");
    const { deletionScheduledFor } = await ada.laptop.run((api) => api.auth.deleteAccount(confirm));
    const back = client("192.0.2.9");
    expect(await back.run((api) => api.auth.signIn({ email: "keep@example.com", password }))).toMatchObject({ id: ada.me.id, deletionScheduledFor });
    expect(await back.run((api) => api.auth.me())).toMatchObject({ deletionScheduledFor });
    // Nothing else until it is kept: no link can be made live again, nothing added for the purge to miss.
    expect(await codeOf(back.run((api) => api.links.list({})))).toBe("FORBIDDEN");
    expect(await codeOf(back.run((api) => api.links.create({ url: "https://example.com/new" })))).toBe("FORBIDDEN");
    expect(await codeOf(back.run((api) => api.auth.deleteAccount(confirm)))).toBe("FORBIDDEN");
    expect(await codeOf(client().run((api) => api.auth.cancelAccountDeletion()))).toBe("UNAUTHORIZED");

    expect(await back.run((api) => api.auth.cancelAccountDeletion())).toMatchObject({ id: ada.me.id, deletionScheduledFor: null });
    expect((await db.user.findUniqueOrThrow({ where: { id: ada.me.id } })).deletionScheduledFor).toBeNull();
    const [kept] = ada.links;
    expect((await lookUpLink({ db, redis: redis.redis }, kept?.slug ?? "", null)).link?.id).toBe(kept?.id);
    expect(await back.run((api) => api.links.list({}))).toMatchObject({ items: [{ id: kept?.id }] });
    // Kept for good: the purge, even long after the old date, leaves it.
    await purgeDueAccounts({ db, redis: redis.redis }, new Date(deletionScheduledFor.getTime() + 86_400_000));
    expect(await db.user.findUnique({ where: { id: ada.me.id } })).not.toBeNull();
    expect(await db.link.count({ where: { userId: ada.me.id } })).toBe(2);
  });

  it("the purge, run by two workers at once and again, leaves no row and no Redis key of the user, and another account untouched", async () => {
    const bob = await populatedAccount("bob@example.com");
    const ada = await populatedAccount("ada@example.com");
    const adaIds = [ada.me.id, ...ada.links.map((link) => link.id)];
    const adaSlugs = ada.links.map((link) => link.slug);
    const bobIds = [bob.me.id, ...bob.links.map((link) => link.id)];
    const bobRowsBefore = await rowsMentioning(bobIds);
    // The searches find her rows and keys before (so they can fail): one table of each kind she had.
    expect(Object.keys(await rowsMentioning(adaIds)).sort()).toEqual(
      ["ApiToken", "Click", "Import", "Link", "LinkDailyStat", "LinkDailyVisitor", "LinkTag", "PasswordResetToken", "Tag", "User"].sort(),
    );
    expect(await redisKeysOf(adaIds, adaSlugs)).not.toEqual([]);

    const { deletionScheduledFor } = await ada.laptop.run((api) => api.auth.deleteAccount(confirm));
    // She signs in again within the grace period (a live session at purge time) but does not keep the account.
    const back = client("192.0.2.10");
    await back.run((api) => api.auth.signIn({ email: "ada@example.com", password }));
    expect((await redisKeysOf(adaIds, adaSlugs)).length).toBeGreaterThan(0);

    // Two workers (each its own PostgreSQL and Redis connections) run the purge at the same moment, after the date.
    const later = new Date(deletionScheduledFor.getTime() + 1_000);
    const otherDb = createDatabase(databaseUrl);
    const otherRedis = createRedisClient({ REDIS_URL: redisServer.url });
    const due = await db.user.count({ where: { deletionScheduledFor: { lte: later } } });
    expect(due).toBeGreaterThanOrEqual(1);
    try {
      const runs = await Promise.all([purgeDueAccounts({ db, redis: redis.redis }, later), purgeDueAccounts({ db: otherDb, redis: otherRedis.redis }, later)]);
      // Each due account (hers, and any an earlier test left due) purged by exactly one of the two.
      expect(runs.reduce((sum, run) => sum + run.accounts, 0)).toBe(due);
    } finally {
      await otherDb.$disconnect();
      await otherRedis.close();
    }
    // And once more (a retried or late tick): nothing left to do.
    expect(await purgeDueAccounts({ db, redis: redis.redis }, later)).toEqual({ accounts: 0, links: 0 });

    expect(await rowsMentioning(adaIds)).toEqual({});
    expect(await db.user.findUnique({ where: { email: "ada@example.com" } })).toBeNull();
    expect(await redisKeysOf(adaIds, adaSlugs)).toEqual([]);
    expect(await back.run((api) => api.auth.me())).toBeNull();
    for (const slug of adaSlugs) expect((await lookUpLink({ db, redis: redis.redis }, slug, null)).link).toBeNull();

    // Bob: every row as before, his link and session working.
    expect(await rowsMentioning(bobIds)).toEqual(bobRowsBefore);
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
