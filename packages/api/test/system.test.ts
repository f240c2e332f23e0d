import { randomUUID } from "node:crypto";
import { sealSessionCookie } from "@hop/auth";
import { createDatabase, type Database } from "@hop/db";
import { ensureClickConsumerGroup, readNewClicks } from "@hop/clicks";
import { enqueueJob } from "@hop/jobs";
import { createRedisClient, rateLimitRules, redisKeys, type RedisClient } from "@hop/redis";
import { startHeartbeat } from "@hop/presence";
import { createTestDatabase, startRedisServer, type RedisServer } from "@hop/test-harness";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { appRouter, createCaller, createTRPCContext } from "../src";
import { operatorEmailsSchema } from "../src/operators";
import { maxWaitingProbes } from "../src/routers/system";
import { createTRPCRouter, operatorProcedure, protectedProcedure } from "../src/trpc";

// The contract through a server-side caller, on a real database and Redis.
let redisServer: RedisServer;
let redis: RedisClient;
let db: Database;

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
beforeEach(async () => {
  await redis.redis.flushall();
  await db.user.deleteMany();
  await db.$executeRawUnsafe("DELETE FROM graphile_worker._private_jobs");
});

const sessionConfig = { secrets: { 1: "s".repeat(32) }, ttlSeconds: 3_600 };
const operatorEmails = ["ops@example.com", "second-ops@example.com"];

const context = (cookie?: string) =>
  createTRPCContext({
    db,
    redis: redis.redis,
    instanceId: "web-test",
    request: new Request("http://localhost/api/trpc", { headers: cookie ? { cookie: `hop_session=${cookie}` } : {} }),
    responseHeaders: new Headers(),
    sessionConfig,
    clientIp: "127.0.0.1",
    operatorEmails,
  });

/** A signed-in caller for a new account with this email (the session made directly, as sign-in would). */
async function signedIn(email: string) {
  const user = await db.user.create({ data: { email, passwordHash: "unused" } });
  const sessionId = `s-${user.id}`;
  await redis.redis.hset(redisKeys.session(sessionId), { userId: user.id, createdAt: Date.now(), lastSeenAt: Date.now(), device: "test" });
  const cookie = await sealSessionCookie({ sid: sessionId, uid: user.id, iat: Date.now() }, sessionConfig.secrets, sessionConfig.ttlSeconds);
  return { user, cookie, api: createCaller(context(cookie)) };
}
const anonymous = () => createCaller(context());

async function errorOf(promise: Promise<unknown>): Promise<TRPCError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(TRPCError);
  return error as TRPCError;
}

// Every system procedure, read from the router itself: one added later is covered without anyone listing it here.
const systemProcedures = Object.entries(appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>)
  .filter(([path]) => path.startsWith("system."))
  .map(([path, procedure]) => ({ path, type: procedure._def.type }));
// Valid input where a procedure takes some, so a refusal can only be about who asks.
const sampleInputs: Record<string, unknown> = { "system.sendProbe": { holdMs: 0 }, "system.probe": { probeId: randomUUID() } };
// The caller is a proxy: every path through it is callable, and calling one runs that procedure.
type CallerNode = ((input?: unknown) => Promise<unknown>) & { [key: string]: CallerNode };
function callByPath(caller: ReturnType<typeof createCaller>, path: string): Promise<unknown> {
  const procedure = path.split(".").reduce((node, key) => node[key]!, caller as unknown as CallerNode);
  return procedure(sampleInputs[path]);
}

describe("system.* is for operators only", () => {
  it("covers every procedure of the router", () => {
    expect(systemProcedures.map((procedure) => procedure.path).sort()).toEqual(
      expect.arrayContaining(["system.instances", "system.probe", "system.queue", "system.sendProbe"]),
    );
  });

  it.each(systemProcedures)("$path: UNAUTHORIZED when signed out", async ({ path }) => {
    expect((await errorOf(callByPath(anonymous(), path))).code).toBe("UNAUTHORIZED");
  });

  it.each(systemProcedures)("$path: FORBIDDEN for a signed-in account that is not an operator", async ({ path }) => {
    const { api } = await signedIn("someone@example.com");
    const error = await errorOf(callByPath(api, path));
    expect(error.code).toBe("FORBIDDEN");
    expect(error.message).toMatch(/operators only/i);
  });

  it.each(systemProcedures)("$path: answers an operator", async ({ path }) => {
    const { api } = await signedIn("ops@example.com");
    await expect(callByPath(api, path)).resolves.toBeDefined();
  });

  it("sends no probe for a refused caller", async () => {
    const { api } = await signedIn("someone@example.com");
    await errorOf(api.system.sendProbe({ holdMs: 0 }));
    await errorOf(anonymous().system.sendProbe({ holdMs: 0 }));
    expect(await db.$queryRaw<{ count: bigint }[]>`SELECT count(*) AS count FROM graphile_worker.jobs`).toEqual([{ count: 0n }]);
  });

  it("matches the account's stored email, and with no operators configured nobody is one", async () => {
    const { cookie } = await signedIn("ops@example.com");
    const withoutOperators = createCaller({ ...context(cookie), operatorEmails: [] });
    expect((await errorOf(withoutOperators.system.instances())).code).toBe("FORBIDDEN");
  });
});

describe("OPERATOR_EMAILS", () => {
  it("is a comma-separated list, normalised like sign-up normalises emails", () => {
    expect(operatorEmailsSchema.parse(" Ops@Example.COM,second-ops@example.com,,ops@example.com ")).toEqual(["ops@example.com", "second-ops@example.com"]);
  });

  it("means nobody when unset or empty", () => {
    expect(operatorEmailsSchema.parse(undefined)).toEqual([]);
    expect(operatorEmailsSchema.parse("")).toEqual([]);
  });

  it("refuses an entry that is not an email, naming the entry", () => {
    const parsed = operatorEmailsSchema.safeParse("ops@example.com, root");
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toBe('must be comma-separated email addresses ("root" is not one)');
  });
});

describe("system router, for an operator", () => {
  it("lists live processes from their heartbeats, and drops one that stops", async () => {
    const { api } = await signedIn("ops@example.com");
    const now = new Date().toISOString();
    const heartbeat = await startHeartbeat({
      redis: redis.redis,
      describe: () => ({
        kind: "worker",
        id: "worker-a",
        host: "h",
        pid: 1,
        version: "0.1.0",
        buildId: "b",
        url: null,
        startedAt: now,
        jobWorkerIds: ["pool-1"],
      }),
    });
    expect((await api.system.instances()).map((instance) => instance.id)).toEqual(["worker-a"]);
    await heartbeat.stop();
    expect(await api.system.instances()).toEqual([]);
  });

  it("enqueues a probe in the durable queue, in the probes' own named queue, and reports it", async () => {
    const { api } = await signedIn("ops@example.com");
    const before = await api.system.queue();
    const { probeId, jobId } = await api.system.sendProbe({ holdMs: 0 });
    expect(jobId).toMatch(/^\d+$/);
    expect(await api.system.queue()).toEqual({ ...before, queued: before.queued + 1 });
    expect(await db.$queryRaw`SELECT queue_name FROM graphile_worker.jobs WHERE id = ${BigInt(jobId)}`).toEqual([{ queue_name: "system.probe" }]);
    const events = await api.system.probe({ probeId });
    expect(events).toEqual([{ event: "sent", instanceId: "web-test", at: expect.any(String) }]);
  });

  it("shows the clicks stream's lag beside the job counts: pending with a worker, and unread", async () => {
    const { api } = await signedIn("ops@example.com");
    expect((await api.system.queue()).clicks).toEqual({ pending: 0, unread: 0 });
    const stream = redisKeys.clickStream();
    for (let i = 0; i < 5; i++) await redis.redis.xadd(stream, "*", { eventId: `e${i}` });
    // No worker has made the consumer group yet: everything is unread.
    expect((await api.system.queue()).clicks).toEqual({ pending: 0, unread: 5 });
    await ensureClickConsumerGroup(redis.redis);
    await readNewClicks(redis.redis, "worker-a", 2);
    expect((await api.system.queue()).clicks).toEqual({ pending: 2, unread: 3 });
  });

  it("refuses bad input with field messages and changes nothing; a hold is at most 60 s", async () => {
    const { api } = await signedIn("ops@example.com");
    const before = await api.system.queue();
    for (const holdMs of [-5, 60_001, 120_000, 1.5]) {
      const error = await errorOf(api.system.sendProbe({ holdMs }));
      expect(error.code).toBe("BAD_REQUEST");
    }
    expect(await api.system.queue()).toEqual(before);
    await expect(api.system.probe({ probeId: "not-a-uuid" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(api.system.sendProbe({ holdMs: 60_000 })).resolves.toMatchObject({ probeId: expect.any(String) });
  });

  it("limits probes per operator: the next one is refused with the wait, and nothing is queued for it", async () => {
    const first = await signedIn("ops@example.com");
    const second = await signedIn("second-ops@example.com");
    const { limit, windowSeconds } = rateLimitRules.probeSendPerOperator;
    // The sliding window weights the previous window by what is left of it: a burst that straddles a window's edge
    // may see 9.99 of 10 and pass. Start the burst well inside one window, so the 11th is refused every run.
    const windowMs = windowSeconds * 1000;
    const intoWindow = Date.now() % windowMs;
    if (intoWindow > windowMs - 5_000) await new Promise((resolve) => setTimeout(resolve, windowMs - intoWindow + 50));
    for (let i = 0; i < limit; i++) await first.api.system.sendProbe({ holdMs: 0 });
    const refused = await errorOf(first.api.system.sendProbe({ holdMs: 0 }));
    expect(refused.code).toBe("TOO_MANY_REQUESTS");
    expect(refused.message).toMatch(/try again in \d+ s/i);
    expect((await first.api.system.queue()).queued).toBe(limit);
    // Another operator has a limit of their own.
    await expect(second.api.system.sendProbe({ holdMs: 0 })).resolves.toMatchObject({ jobId: expect.any(String) });
  });

  it(`refuses a probe while ${maxWaitingProbes} are already waiting to run`, async () => {
    const { api } = await signedIn("ops@example.com");
    for (let i = 0; i < maxWaitingProbes; i++) await enqueueJob(db, "system.probe", { probeId: randomUUID(), holdMs: 0 });
    const error = await errorOf(api.system.sendProbe({ holdMs: 0 }));
    expect(error.code).toBe("TOO_MANY_REQUESTS");
    expect(error.message).toMatch(/already waiting/);
    expect((await api.system.queue()).queued).toBe(maxWaitingProbes);
  });
});

describe("protectedProcedure and operatorProcedure", () => {
  const router = createTRPCRouter({
    whoAmI: protectedProcedure.query(({ ctx }) => ctx.session.userId),
    operatorEmail: operatorProcedure.query(({ ctx }) => ctx.operator.email),
  });

  it("refuse a request without a session", async () => {
    await expect(router.createCaller(context()).whoAmI()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(router.createCaller(context()).operatorEmail()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("give an operator's procedure the operator's account", async () => {
    const { cookie, user } = await signedIn("ops@example.com");
    expect(await router.createCaller(context(cookie)).operatorEmail()).toBe(user.email);
  });
});
