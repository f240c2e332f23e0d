import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSession, passwordHashingLimits, sealSessionCookie, unsealSessionCookie, type SessionSecrets } from "@hop/auth";
import { createDatabase, type Database } from "@hop/db";
import { createRedisClient, rateLimitRules, redisKeys, type Redis, type RedisClient } from "@hop/redis";
import { createTestDatabase, startRedisServer, type RedisServer } from "@hop/test-harness";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createCaller, createTRPCContext, retryAfterSecondsOf } from "../src";

// Accounts and sessions through the API, on real PostgreSQL and Redis.
let redisServer: RedisServer;
let redis: RedisClient;
let db: Database;

const oldSecret = "old-secret-0123456789abcdefghijklmnop";
const newSecret = "new-secret-0123456789abcdefghijklmnop";
let secrets: SessionSecrets = { 1: oldSecret };
let ttlSeconds = 3_600;

beforeAll(async () => {
  redisServer = await startRedisServer();
  redis = createRedisClient({ REDIS_URL: redisServer.url });
  db = createDatabase(await createTestDatabase());
});
afterAll(async () => {
  await db.$disconnect();
  await redis.close();
  await redisServer.dispose();
});
beforeEach(async () => {
  secrets = { 1: oldSecret };
  ttlSeconds = 3_600;
  await redis.redis.flushall();
  await db.user.deleteMany();
});

/** A browser of one: keeps the cookie the API sets, sends it back. */
function client(options: { ip?: string; url?: string; db?: Database; redis?: Redis } = {}) {
  let cookie: string | undefined;
  const headersSeen: Headers[] = [];
  const call = () => {
    const responseHeaders = new Headers();
    headersSeen.push(responseHeaders);
    const caller = createCaller(
      createTRPCContext({
        db: options.db ?? db,
        redis: options.redis ?? redis.redis,
        instanceId: "web-test",
        request: new Request(options.url ?? "https://hop.example/api/trpc", {
          headers: { cookie: cookie ? `hop_session=${cookie}` : "", "user-agent": "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0" },
        }),
        responseHeaders,
        sessionConfig: { secrets, ttlSeconds },
        clientIp: options.ip ?? "203.0.113.7",
      }),
    );
    return caller;
  };
  return {
    get cookie() {
      return cookie;
    },
    set cookie(value: string | undefined) {
      cookie = value;
    },
    lastSetCookie: () => headersSeen.at(-1)?.get("set-cookie") ?? null,
    async run<T>(work: (caller: ReturnType<typeof createCaller>) => Promise<T>): Promise<T> {
      const result = await work(call());
      const setCookie = headersSeen.at(-1)?.get("set-cookie");
      if (setCookie) cookie = /hop_session=([^;]*)/.exec(setCookie)?.[1] || undefined;
      return result;
    },
  };
}

const signUp = (browser: ReturnType<typeof client>, email = "ada@example.com", password = "correct horse battery") =>
  browser.run((api) => api.auth.signUp({ email, password, name: "Ada" }));

async function errorOf(promise: Promise<unknown>): Promise<TRPCError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(TRPCError);
  return error as TRPCError;
}

describe("sign-up, sign-in, sign-out", () => {
  it("signs up, is signed in with a Secure HttpOnly SameSite=Lax cookie, and signs out", async () => {
    const browser = client();
    const me = await signUp(browser, "  Ada@Example.com ");
    expect(me).toMatchObject({ email: "ada@example.com", name: "Ada" });
    expect(browser.lastSetCookie()).toMatch(/^hop_session=[^;]+; Max-Age=3600; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
    expect(await browser.run((api) => api.auth.me())).toMatchObject({ id: me.id, sessionId: me.sessionId });
    const stored = await db.user.findUniqueOrThrow({ where: { id: me.id } });
    expect(stored.passwordHash).toMatch(/^\$argon2id\$/);
    await browser.run((api) => api.auth.signOut());
    expect(browser.cookie).toBeUndefined();
    expect(await browser.run((api) => api.auth.me())).toBeNull();
  });

  it("relaxes Secure only for plain-http localhost", async () => {
    const browser = client({ url: "http://localhost:3000/api/trpc" });
    await signUp(browser);
    expect(browser.lastSetCookie()).not.toMatch(/Secure/);
  });

  it("refuses a taken email as a field error and writes nothing", async () => {
    await signUp(client());
    const error = await errorOf(signUp(client(), "ADA@example.com"));
    expect(error.code).toBe("BAD_REQUEST");
    expect(error.message).toMatch(/already exists/);
    expect(await db.user.count()).toBe(1);
  });

  it("gives the same answer for a wrong password and an unknown email", async () => {
    await signUp(client());
    const wrongPassword = await errorOf(client().run((api) => api.auth.signIn({ email: "ada@example.com", password: "wrong password!" })));
    const unknownEmail = await errorOf(client().run((api) => api.auth.signIn({ email: "nobody@example.com", password: "wrong password!" })));
    expect([wrongPassword.code, wrongPassword.message]).toEqual(["UNAUTHORIZED", "Email or password is incorrect"]);
    expect([unknownEmail.code, unknownEmail.message]).toEqual([wrongPassword.code, wrongPassword.message]);
  });
});

describe("cookies that must be refused", () => {
  it("refuses tampered, wrong-secret, expired and revoked cookies", async () => {
    const browser = client();
    const me = await signUp(browser);
    const good = browser.cookie!;

    const tampered = client();
    tampered.cookie = `${good.slice(0, -4)}${good.slice(-4) === "AAAA" ? "BBBB" : "AAAA"}`;
    expect(await tampered.run((api) => api.auth.me())).toBeNull();

    const forged = client();
    forged.cookie = await sealSessionCookie({ sid: me.sessionId, uid: me.id, iat: Date.now() }, { 1: "an-attackers-secret-0123456789abcdef" }, ttlSeconds);
    expect(await forged.run((api) => api.auth.me())).toBeNull();

    // A session whose lifetime is over: its Redis record expired with it (the seal's own
    // expiry allows iron's 60 s clock skew, so the record is what ends it on time).
    ttlSeconds = 1;
    const shortLived = client();
    await shortLived.run((api) => api.auth.signIn({ email: "ada@example.com", password: "correct horse battery" }));
    expect(await shortLived.run((api) => api.auth.me())).not.toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    expect(await shortLived.run((api) => api.auth.me())).toBeNull();
    ttlSeconds = 3_600;

    await browser.run((api) => api.auth.revokeSession({ sessionId: me.sessionId }));
    const replay = client();
    replay.cookie = good;
    expect(await replay.run((api) => api.auth.me())).toBeNull();
    await expect(replay.run((api) => api.auth.sessions())).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("refuses a valid seal naming another user's session", async () => {
    const ada = await signUp(client(), "ada@example.com");
    const grace = await signUp(client(), "grace@example.com");
    const mixed = client();
    mixed.cookie = await sealSessionCookie({ sid: ada.sessionId, uid: grace.id, iat: Date.now() }, secrets, ttlSeconds);
    expect(await mixed.run((api) => api.auth.me())).toBeNull();
  });
});

describe("secret rotation", () => {
  it("keeps cookies sealed with the old secret valid and seals new ones with the new secret", async () => {
    const before = client();
    await signUp(before);
    secrets = { 1: oldSecret, 2: newSecret };
    expect(await before.run((api) => api.auth.me())).not.toBeNull();
    const after = client();
    await after.run((api) => api.auth.signIn({ email: "ada@example.com", password: "correct horse battery" }));
    expect(await unsealSessionCookie(after.cookie!, { 2: newSecret }, ttlSeconds)).not.toBeNull();
    expect(await unsealSessionCookie(after.cookie!, { 1: oldSecret }, ttlSeconds)).toBeNull();
  });
});

describe("rate limits", () => {
  it("sign-in per account from everywhere has a looser ceiling, tripped at exactly its limit", async () => {
    await signUp(client());
    const { limit } = rateLimitRules.signInPerEmail;
    for (let i = 0; i < limit; i++) {
      const error = await errorOf(client({ ip: `198.51.100.${i}` }).run((api) => api.auth.signIn({ email: "ada@example.com", password: "wrong password!" })));
      expect(error.code).toBe("UNAUTHORIZED");
    }
    const limited = await errorOf(
      client({ ip: "198.51.100.99" }).run((api) => api.auth.signIn({ email: "ada@example.com", password: "correct horse battery" })),
    );
    expect(limited.code).toBe("TOO_MANY_REQUESTS");
    expect(limited.message).toMatch(/^Too many attempts\. Try again in \d+ s\.$/);
  });

  it("sign-in per address trips at exactly its limit", async () => {
    const { limit } = rateLimitRules.signInPerIp;
    const codes = [];
    for (let i = 0; i <= limit; i++) {
      codes.push(
        (await errorOf(client({ ip: "192.0.2.1" }).run((api) => api.auth.signIn({ email: `user${i}@example.com`, password: "whatever it is" })))).code,
      );
    }
    expect(codes.slice(0, limit).every((code) => code === "UNAUTHORIZED")).toBe(true);
    expect(codes[limit]).toBe("TOO_MANY_REQUESTS");
  });

  it("someone else's failed sign-ins never lock the owner out: the tight limit is per account and address", async () => {
    await signUp(client());
    const { limit } = rateLimitRules.signInPerEmailAndClient;
    const attacker = () => client({ ip: "198.51.100.66" });
    for (let i = 0; i < limit; i++) {
      expect((await errorOf(attacker().run((api) => api.auth.signIn({ email: "ada@example.com", password: "guess number one" })))).code).toBe("UNAUTHORIZED");
    }
    const limited = await errorOf(attacker().run((api) => api.auth.signIn({ email: "ada@example.com", password: "correct horse battery" })));
    expect(limited.code).toBe("TOO_MANY_REQUESTS");
    expect(retryAfterSecondsOf(limited)).toBeGreaterThan(0);
    // The owner, from their own address, is not held back by the attacker's failures.
    await expect(
      client({ ip: "203.0.113.50" }).run((api) => api.auth.signIn({ email: "ada@example.com", password: "correct horse battery" })),
    ).resolves.toMatchObject({
      email: "ada@example.com",
    });
  });

  it("limits password changes per user, across sessions, and changes nothing once limited", async () => {
    const laptop = client();
    await signUp(laptop);
    const phone = client({ ip: "198.51.100.7" });
    await phone.run((api) => api.auth.signIn({ email: "ada@example.com", password: "correct horse battery" }));
    const { limit } = rateLimitRules.passwordChangePerUser;
    for (let i = 0; i < limit; i++) {
      const error = await errorOf(
        laptop.run((api) => api.auth.changePassword({ currentPassword: `guess number ${i}`, newPassword: "a much better passphrase" })),
      );
      expect(error.code).toBe("BAD_REQUEST");
    }
    const limited = await errorOf(
      phone.run((api) => api.auth.changePassword({ currentPassword: "correct horse battery", newPassword: "a much better passphrase" })),
    );
    expect(limited.code).toBe("TOO_MANY_REQUESTS");
    expect(await phone.run((api) => api.auth.me())).not.toBeNull();
    await expect(
      client({ ip: "198.51.100.8" }).run((api) => api.auth.signIn({ email: "ada@example.com", password: "correct horse battery" })),
    ).resolves.toBeTruthy();
  });

  it("answers a flood of password checks beyond this process's ceiling with 503 and a wait, never 500", async () => {
    await signUp(client());
    const { concurrent, waiting } = passwordHashingLimits;
    const outcomes = await Promise.all(
      Array.from({ length: concurrent + waiting + 20 }, (_, i) =>
        client({ ip: `10.1.${Math.floor(i / 200)}.${i % 200}` })
          .run((api) => api.auth.signIn({ email: "ada@example.com", password: "not the password" }))
          .then(
            () => "signed in",
            (error: unknown) => (error instanceof TRPCError ? `${error.code} ${retryAfterSecondsOf(error) ?? ""}`.trim() : "not a TRPCError"),
          ),
      ),
    );
    expect(outcomes).toContain("SERVICE_UNAVAILABLE 1");
    expect(outcomes).toContain("UNAUTHORIZED");
    expect(outcomes.filter((outcome) => outcome !== "SERVICE_UNAVAILABLE 1" && outcome !== "UNAUTHORIZED")).toEqual([]);
  });

  it("sign-up per address trips at exactly its limit and creates nothing more", async () => {
    const { limit } = rateLimitRules.signUpPerIp;
    for (let i = 0; i < limit; i++) await signUp(client({ ip: "192.0.2.2" }), `new${i}@example.com`);
    const limited = await errorOf(signUp(client({ ip: "192.0.2.2" }), "one-more@example.com"));
    expect(limited.code).toBe("TOO_MANY_REQUESTS");
    expect(await db.user.count({ where: { email: "one-more@example.com" } })).toBe(0);
  });
});

describe("sessions and password change", () => {
  it("lists sessions, revokes others, and a password change signs out every other session", async () => {
    const laptop = client();
    await signUp(laptop);
    const phone = client();
    await phone.run((api) => api.auth.signIn({ email: "ada@example.com", password: "correct horse battery" }));
    const tablet = client();
    await tablet.run((api) => api.auth.signIn({ email: "ada@example.com", password: "correct horse battery" }));

    const sessions = await laptop.run((api) => api.auth.sessions());
    expect(sessions).toHaveLength(3);
    expect(sessions.filter((session) => session.current)).toHaveLength(1);
    expect(sessions[0]?.device).toBe("Firefox on Linux");

    const changed = await laptop.run((api) => api.auth.changePassword({ currentPassword: "correct horse battery", newPassword: "a much better passphrase" }));
    expect(changed.revokedOtherSessions).toBe(2);
    expect(await phone.run((api) => api.auth.me())).toBeNull();
    expect(await tablet.run((api) => api.auth.me())).toBeNull();
    expect(await laptop.run((api) => api.auth.me())).not.toBeNull();
    await expect(client().run((api) => api.auth.signIn({ email: "ada@example.com", password: "correct horse battery" }))).rejects.toMatchObject({
      code: "UNAUTHORIZED",
    });
  });

  it("refuses a wrong current password as a field error and keeps the old one", async () => {
    const laptop = client();
    await signUp(laptop);
    const error = await errorOf(laptop.run((api) => api.auth.changePassword({ currentPassword: "not my password", newPassword: "a much better passphrase" })));
    expect(error.message).toMatch(/current password/);
    await expect(client().run((api) => api.auth.signIn({ email: "ada@example.com", password: "correct horse battery" }))).resolves.toBeTruthy();
  });
});

describe("sign-out", () => {
  it("ends the session in Redis, not only the cookie: the cookie kept from before is refused and the session is gone", async () => {
    const laptop = client();
    await signUp(laptop);
    const phone = client({ ip: "198.51.100.9" });
    const phoneSession = await phone.run((api) => api.auth.signIn({ email: "ada@example.com", password: "correct horse battery" }));
    const kept = phone.cookie;
    await phone.run((api) => api.auth.signOut());
    expect(phone.cookie).toBeUndefined();

    const replay = client({ ip: "198.51.100.9" });
    replay.cookie = kept;
    expect(await replay.run((api) => api.auth.me())).toBeNull();
    expect(await replay.run((api) => api.auth.session())).toBeNull();
    const sessions = await laptop.run((api) => api.auth.sessions());
    expect(sessions.map((session) => session.id)).not.toContain(phoneSession.sessionId);
    expect(sessions).toHaveLength(1);
    expect(await redis.redis.exists(redisKeys.session(phoneSession.sessionId))).toBe(0);
  });
});

describe("the session epoch", () => {
  it("refuses a session sealed before a password change even if its record survived, and a sign-in that raced the change", async () => {
    const laptop = client();
    const ada = await signUp(laptop);
    const phone = client({ ip: "198.51.100.10" });
    const phoneSession = await phone.run((api) => api.auth.signIn({ email: "ada@example.com", password: "correct horse battery" }));
    const recordBefore = await redis.redis.hgetall(redisKeys.session(phoneSession.sessionId));
    await laptop.run((api) => api.auth.changePassword({ currentPassword: "correct horse battery", newPassword: "a much better passphrase" }));

    // As if deleting the other sessions' records had missed one: the epoch alone refuses it.
    await redis.redis.hset(redisKeys.session(phoneSession.sessionId), recordBefore!);
    expect(await phone.run((api) => api.auth.me())).toBeNull();
    expect(await laptop.run((api) => api.auth.me())).toMatchObject({ id: ada.id });

    // A sign-in that read the epoch before the change (and so maybe the old password) creates nothing.
    expect(await createSession(redis.redis, { userId: ada.id, userAgent: null, ttlSeconds, epoch: 0 })).toBeNull();
    expect(await laptop.run((api) => api.auth.sessions())).toHaveLength(1);
  });

  it("keeps cookies sealed before epochs existed until the first password change", async () => {
    const laptop = client();
    const ada = await signUp(laptop);
    const legacy = client();
    await redis.redis.hset(redisKeys.session("legacy-session"), { userId: ada.id, createdAt: Date.now(), lastSeenAt: Date.now(), device: "old" });
    await redis.redis.sadd(redisKeys.userSessions(ada.id), "legacy-session");
    legacy.cookie = await sealSessionCookie({ sid: "legacy-session", uid: ada.id, iat: Date.now() }, secrets, ttlSeconds);
    expect(await legacy.run((api) => api.auth.me())).toMatchObject({ id: ada.id });
    await laptop.run((api) => api.auth.changePassword({ currentPassword: "correct horse battery", newPassword: "a much better passphrase" }));
    await redis.redis.hset(redisKeys.session("legacy-session"), { userId: ada.id, createdAt: Date.now(), lastSeenAt: Date.now(), device: "old" });
    expect(await legacy.run((api) => api.auth.me())).toBeNull();
  });
});

describe("when Redis is unreachable", () => {
  it("answers sign-in and sign-up 503 with a wait (their rate limits cannot be asked), and writes nothing", async () => {
    await signUp(client());
    await redisServer.stop();
    try {
      const signIn = await errorOf(client().run((api) => api.auth.signIn({ email: "ada@example.com", password: "correct horse battery" })));
      const signUpAgain = await errorOf(signUp(client(), "grace@example.com"));
      for (const error of [signIn, signUpAgain]) {
        expect(error.code).toBe("SERVICE_UNAVAILABLE");
        expect(retryAfterSecondsOf(error)).toBeGreaterThan(0);
      }
      expect(await db.user.count({ where: { email: "grace@example.com" } })).toBe(0);
    } finally {
      await redisServer.start();
    }
    await new Promise((resolve) => setTimeout(resolve, 1_500));
  });

  it("a password change that loses Redis at the moment of revocation answers 503 and changes nothing", async () => {
    // A Redis of its own that keeps its data across the restart, so we can see what survived.
    const dataDir = mkdtempSync(join(tmpdir(), "hop-redis-epoch-"));
    const durable = await startRedisServer({ dataDir }).catch((error: unknown) => {
      rmSync(dataDir, { recursive: true, force: true });
      throw error;
    });
    const durableRedis = createRedisClient({ REDIS_URL: durable.url });
    // Redis goes down right after the handler has read the user, i.e. between the checks and the writes.
    let stopRedisOnUserRead = false;
    // (Prisma types an extended client apart from PrismaClient, though it answers the same calls: hence the cast.)
    const dbThatStopsRedis = db.$extends({
      query: {
        user: {
          async findUniqueOrThrow({ args, query }) {
            const row = await query(args);
            if (stopRedisOnUserRead) {
              stopRedisOnUserRead = false;
              await durable.stop();
            }
            return row;
          },
        },
      },
    }) as unknown as Database;
    try {
      const laptop = client({ redis: durableRedis.redis, db: dbThatStopsRedis });
      await signUp(laptop);
      const phone = client({ redis: durableRedis.redis, ip: "198.51.100.11" });
      await phone.run((api) => api.auth.signIn({ email: "ada@example.com", password: "correct horse battery" }));
      // (No SAVE needed, and a token holder may not send one: this Redis keeps an append-only file and saves when stopped.)

      stopRedisOnUserRead = true;
      const error = await errorOf(
        laptop.run((api) => api.auth.changePassword({ currentPassword: "correct horse battery", newPassword: "a much better passphrase" })),
      );
      expect(error.code).toBe("SERVICE_UNAVAILABLE");
      expect(retryAfterSecondsOf(error)).toBeGreaterThan(0);
      expect(stopRedisOnUserRead).toBe(false);
      await durable.start();
      await new Promise((resolve) => setTimeout(resolve, 1_500));

      // Nothing changed: the old password still opens the account, the new one does not, and both devices are signed in.
      expect(await phone.run((api) => api.auth.me())).not.toBeNull();
      expect(await laptop.run((api) => api.auth.me())).not.toBeNull();
      await expect(
        client({ redis: durableRedis.redis, ip: "198.51.100.12" }).run((api) =>
          api.auth.signIn({ email: "ada@example.com", password: "a much better passphrase" }),
        ),
      ).rejects.toMatchObject({
        code: "UNAUTHORIZED",
      });
      await expect(
        client({ redis: durableRedis.redis, ip: "198.51.100.13" }).run((api) =>
          api.auth.signIn({ email: "ada@example.com", password: "correct horse battery" }),
        ),
      ).resolves.toBeTruthy();

      // Tried again with Redis up, it works, and the phone is out.
      const changed = await laptop.run((api) => api.auth.changePassword({ currentPassword: "correct horse battery", newPassword: "a much better passphrase" }));
      expect(changed.revokedOtherSessions).toBe(2);
      expect(await phone.run((api) => api.auth.me())).toBeNull();
      expect(await laptop.run((api) => api.auth.me())).not.toBeNull();
    } finally {
      await durableRedis.close();
      await durable.dispose();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it("fails closed with 503 and recovers when Redis is back", async () => {
    const browser = client();
    await signUp(browser);
    await redisServer.stop();
    try {
      await expect(browser.run((api) => api.auth.me())).rejects.toMatchObject({ code: "SERVICE_UNAVAILABLE" });
      await expect(browser.run((api) => api.auth.sessions())).rejects.toMatchObject({ code: "SERVICE_UNAVAILABLE" });
    } finally {
      await redisServer.start();
    }
    // The restarted Redis is empty (tests keep nothing on disk): the session is gone, and the answer is a clean "signed out".
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await browser.run((api) => api.auth.me())).toBeNull();
  });
});
