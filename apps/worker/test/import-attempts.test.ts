import { failAbandonedImports } from "@hop/api";
import { createDatabase, type Database } from "@hop/db";
import { enqueueJob } from "@hop/jobs";
import { createLogger } from "@hop/logger";
import { createRedisClient, redisKeys, type RedisClient } from "@hop/redis";
import { createTestDatabase, startRedisServer, type RedisServer } from "@hop/test-harness";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runLinkImport } from "../src/tasks/link-import";

// An import whose job runs out of attempts ends FAILED with the reason, in-process on real PostgreSQL and Redis.
let redisServer: RedisServer | undefined;
let redis: RedisClient | undefined;
let db: Database | undefined;
let userId: string;

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
  await db!.user.deleteMany();
  userId = (await db!.user.create({ data: { email: "importer@example.com", passwordHash: "x" } })).id;
});

/** An import the worker cannot run: its stored options are not what runImport reads (as a bug or a bad migration would leave them). */
const brokenImport = (status: "QUEUED" | "RUNNING" = "QUEUED") =>
  db!.import.create({ data: { userId, source: "csv:custom", status, content: "url\nhttps://example.com/a", totalRows: 1, options: { broken: true } } });

const deps = () => ({
  db: db!,
  redis: redis!.redis,
  instanceId: "test-worker",
  log: createLogger("worker-test", "silent"),
  signal: new AbortController().signal,
  metadataFetch: { timeoutMs: 1_000, maxBytes: 1024 },
});

describe("an import whose job's attempts are used up", () => {
  it("stays queued while attempts remain, and is marked FAILED with the reason (pushed) when the last attempt fails", async () => {
    const created = await brokenImport();
    await expect(runLinkImport({ importId: created.id }, deps(), { attempts: 3, maxAttempts: 25 })).rejects.toThrow();
    expect(await db!.import.findUniqueOrThrow({ where: { id: created.id } })).toMatchObject({ status: "QUEUED", error: null });

    const subscriber = createRedisClient({ REDIS_URL: redisServer!.url });
    const pushed: unknown[] = [];
    const subscription = subscriber.redis.subscribe<unknown>([redisKeys.importProgressChannel()]);
    subscription.on("message", ({ message }) => pushed.push(typeof message === "string" ? JSON.parse(message) : message));
    try {
      // Give the subscription a moment to be registered before the push.
      await new Promise((resolve) => setTimeout(resolve, 300));
      await expect(runLinkImport({ importId: created.id }, deps(), { attempts: 25, maxAttempts: 25 })).rejects.toThrow();
      const failed = await db!.import.findUniqueOrThrow({ where: { id: created.id } });
      expect(failed.status).toBe("FAILED");
      expect(failed.error).toMatch(/^The import stopped after 25 attempts: /);
      expect(failed.finishedAt).not.toBeNull();
      await expect.poll(() => pushed.length, { timeout: 5_000 }).toBeGreaterThan(0);
      expect(pushed[0]).toMatchObject({ importId: created.id, status: "FAILED", error: failed.error });
    } finally {
      await subscription.unsubscribe();
      await subscriber.close();
    }
  });

  it("the scheduled sweep fails imports whose worker died in the last attempt or whose job is gone, and leaves live ones", async () => {
    const jobOf = async (importId: string, maxAttempts: number) => {
      await enqueueJob(db!, "links.import", { importId }, { jobKey: `links.import:${importId}`, maxAttempts });
    };
    const setJob = (importId: string, attempts: number, lockedHoursAgo: number | null) =>
      db!.$executeRaw`
        UPDATE graphile_worker._private_jobs
        SET attempts = ${attempts}, locked_at = CASE WHEN ${lockedHoursAgo}::int IS NULL THEN NULL ELSE now() - make_interval(hours => ${lockedHoursAgo}::int) END,
            locked_by = CASE WHEN ${lockedHoursAgo}::int IS NULL THEN NULL ELSE 'a-dead-worker' END
        WHERE key = ${`links.import:${importId}`}`;
    // Killed during its last attempt, its lock long expired: abandoned.
    const killed = await brokenImport("RUNNING");
    await jobOf(killed.id, 3);
    await setJob(killed.id, 3, 5);
    // Its job removed from the queue: abandoned.
    const orphan = await brokenImport("RUNNING");
    // Attempts left: graphile-worker will run it again.
    const retrying = await brokenImport("RUNNING");
    await jobOf(retrying.id, 3);
    await setJob(retrying.id, 1, null);
    // Last attempt running now on a live worker: not abandoned.
    const running = await brokenImport("RUNNING");
    await jobOf(running.id, 3);
    await setJob(running.id, 3, 0);
    // Already ended: untouched.
    const done = await db!.import.create({ data: { userId, source: "csv:custom", status: "SUCCEEDED", totalRows: 0 } });

    expect(await failAbandonedImports({ db: db!, redis: redis!.redis })).toBe(2);
    const status = async (id: string) => db!.import.findUniqueOrThrow({ where: { id }, select: { status: true, error: true } });
    expect(await status(killed.id)).toEqual({ status: "FAILED", error: expect.stringMatching(/^The import stopped after 3 attempts/) });
    expect(await status(orphan.id)).toEqual({ status: "FAILED", error: "The import stopped: its job is gone from the queue" });
    expect(await status(retrying.id)).toEqual({ status: "RUNNING", error: null });
    expect(await status(running.id)).toEqual({ status: "RUNNING", error: null });
    expect(await status(done.id)).toEqual({ status: "SUCCEEDED", error: null });
    // A second sweep finds nothing more.
    expect(await failAbandonedImports({ db: db!, redis: redis!.redis })).toBe(0);
  });
});
