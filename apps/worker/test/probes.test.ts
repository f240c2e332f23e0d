import { randomUUID } from "node:crypto";
import { createDatabase, type Database } from "@hop/db";
import { enqueueJob } from "@hop/jobs";
import { createRedisClient, redisKeys, type RedisClient } from "@hop/redis";
import { createTestDatabase, startHopProcess, startRedisServer, waitFor, type HopProcess, type RedisServer } from "@hop/test-harness";
import { probeEventSchema, type ProbeEvent } from "@hop/validators";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// Operators' probes against user jobs, on the worst case: one worker process
// with a single job slot (WORKER_CONCURRENCY=1), from the build artefact.
let redisServer: RedisServer | undefined;
let redis: RedisClient | undefined;
let db: Database | undefined;
let worker: HopProcess | undefined;

beforeAll(async () => {
  redisServer = await startRedisServer();
  const databaseUrl = await createTestDatabase();
  redis = createRedisClient({ REDIS_URL: redisServer.url });
  db = createDatabase(databaseUrl);
  worker = await startHopProcess("worker", {
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisServer.url,
    WORKER_CONCURRENCY: "1",
    VISITOR_HASH_SECRET: "probes-test-visitor-hash-secret-0123456789",
  });
});
afterAll(async () => {
  await worker?.kill();
  await db?.$disconnect();
  await redis?.close();
  await redisServer?.dispose();
});

async function probeEvents(probeId: string): Promise<ProbeEvent[]> {
  const raw = await redis!.redis.lrange<unknown>(redisKeys.probe(probeId), 0, -1);
  return raw.map((entry) => probeEventSchema.parse(entry));
}

const pendingJobs = async (task: string) =>
  Number((await db!.$queryRaw<{ count: bigint }[]>`SELECT count(*) AS count FROM graphile_worker.jobs WHERE task_identifier = ${task}`)[0]?.count);

describe("probes and user jobs", () => {
  it("user jobs run at once while probes are held, and probes run one at a time", async () => {
    const probes = [randomUUID(), randomUUID(), randomUUID()];
    for (const probeId of probes) await enqueueJob(db!, "system.probe", { probeId, holdMs: 30_000 });
    const [first] = await waitFor(
      async () => (await Promise.all(probes.map(probeEvents))).filter((events) => events.length > 0),
      (started) => started.length > 0,
      10_000,
    );
    expect(first?.map((event) => event.event)).toEqual(["started"]);

    // The only user-job slot is free: a probe holds a slot of its own.
    const enqueuedAt = Date.now();
    for (let i = 0; i < 5; i++) await enqueueJob(db!, "link.fetchMetadata", { linkId: `no-such-link-${i}` });
    await waitFor(
      () => pendingJobs("link.fetchMetadata"),
      (count) => count === 0,
      10_000,
      20,
    );
    expect(Date.now() - enqueuedAt).toBeLessThan(2_000);

    // Still one probe started, still held: the others wait in their queue.
    const events = await Promise.all(probes.map(probeEvents));
    expect(events.filter((list) => list.length > 0)).toHaveLength(1);
    expect(events.flat().map((event) => event.event)).toEqual(["started"]);
    expect(await pendingJobs("system.probe")).toBe(3);
  });
});
