import { createDatabase, type Database } from "@hop/db";
import { enqueueJob, type EnqueueOptions } from "@hop/jobs";
import { listLiveInstances } from "@hop/presence";
import { createRedisClient, redisKeys, type RedisClient } from "@hop/redis";
import { createTestDatabase, startHopProcess, startRedisServer, waitFor, type HopProcess, type RedisServer } from "@hop/test-harness";
import { probeEventSchema, type ProbeEvent } from "@hop/validators";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { diedOnLastAttemptMessage } from "../src/dead-workers";

// Two real worker processes (the build artefact) on one database and one Redis.
let redisServer: RedisServer;
let redis: RedisClient;
let db: Database;
let env: Record<string, string>;
const workers: HopProcess[] = [];

beforeAll(async () => {
  redisServer = await startRedisServer();
  const databaseUrl = await createTestDatabase();
  env = { DATABASE_URL: databaseUrl, REDIS_URL: redisServer.url, WORKER_CONCURRENCY: "2", VISITOR_HASH_SECRET: "worker-test-visitor-hash-secret-0123456789" };
  redis = createRedisClient({ REDIS_URL: redisServer.url });
  db = createDatabase(databaseUrl);
  workers.push(...(await Promise.all([startHopProcess("worker", env), startHopProcess("worker", env)])));
});
afterAll(async () => {
  await Promise.all(workers.map((worker) => worker.kill()));
  await db.$disconnect();
  await redis.close();
  await redisServer.dispose();
});

async function sendProbe(holdMs = 0, options: EnqueueOptions = {}): Promise<string> {
  const probeId = randomUUID();
  await db.$transaction(async (tx) => enqueueJob(tx, "system.probe", { probeId, holdMs }, options));
  return probeId;
}

/** The worker process holding the probe's first run, once it started. */
async function holderOf(probeId: string): Promise<HopProcess> {
  const [started] = await waitFor(
    () => probeEvents(probeId),
    (events) => events.length > 0,
    10_000,
  );
  const holder = workers.find((worker) => worker.instanceId === started?.instanceId);
  if (!holder) throw new Error(`probe ${probeId} started on an unknown instance`);
  return holder;
}

const jobRow = async (id: string) =>
  (
    await db.$queryRaw<{ attempts: number; last_error: string | null; locked_by: string | null }[]>`
    SELECT attempts, last_error, locked_by FROM graphile_worker.jobs WHERE id = ${BigInt(id)}`
  )[0] ?? null;
const probeJobIds = async () =>
  (await db.$queryRaw<{ id: bigint }[]>`SELECT id FROM graphile_worker.jobs WHERE task_identifier = 'system.probe' ORDER BY id`).map((row) => String(row.id));

async function probeEvents(probeId: string): Promise<ProbeEvent[]> {
  const raw = await redis.redis.lrange<unknown>(redisKeys.probe(probeId), 0, -1);
  return raw.map((entry) => probeEventSchema.parse(entry));
}

describe("worker processes", () => {
  it("report themselves alive with their job-engine worker ids", async () => {
    const live = await listLiveInstances(redis.redis);
    const liveWorkers = live.filter((instance) => instance.kind === "worker");
    expect(liveWorkers.map((instance) => instance.id).sort()).toEqual(workers.map((worker) => worker.instanceId).sort());
    // The job pool's id (jobs are locked under it) and its two workers' ids, and the same for the probes' pool of one.
    for (const instance of liveWorkers) expect(instance.jobWorkerIds).toHaveLength(5);
    expect(new Set(liveWorkers.map((instance) => instance.buildId)).size).toBe(1);
  });

  it("run each job exactly once", async () => {
    const probes = await Promise.all(Array.from({ length: 20 }, () => sendProbe()));
    for (const probeId of probes) {
      await waitFor(
        () => probeEvents(probeId),
        (events) => events.some((event) => event.event === "finished"),
        10_000,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    for (const probeId of probes) {
      const events = await probeEvents(probeId);
      expect(events.map((event) => event.event)).toEqual(["started", "finished"]);
    }
  });

  it("never hand back a long job while its worker is alive", async () => {
    // Longer than a heartbeat's TTL (6 s): only a dead worker's jobs may be handed back.
    const probeId = await sendProbe(9_000);
    const events = await waitFor(
      () => probeEvents(probeId),
      (all) => all.some((event) => event.event === "finished"),
      20_000,
    );
    expect(events.map((event) => event.event)).toEqual(["started", "finished"]);
  });

  it("hand a killed worker's job to a live one within seconds", async () => {
    const probeId = await sendProbe(15_000);
    const [started] = await waitFor(
      () => probeEvents(probeId),
      (events) => events.length > 0,
      10_000,
    );
    const holder = workers.find((worker) => worker.instanceId === started?.instanceId);
    expect(holder).toBeDefined();
    const killedAt = Date.now();
    await holder!.kill();
    const events = await waitFor(
      () => probeEvents(probeId),
      (all) => all.filter((event) => event.event === "started").length >= 2,
      20_000,
    );
    const takeover = events.filter((event) => event.event === "started")[1]!;
    expect(takeover.instanceId).not.toBe(holder!.instanceId);
    expect(Date.parse(takeover.at) - killedAt).toBeLessThan(15_000);
    workers.splice(workers.indexOf(holder!), 1);
    // The dead worker drops out of the live list once its heartbeat expires.
    await waitFor(
      () => listLiveInstances(redis.redis),
      (live) => !live.some((instance) => instance.id === holder!.instanceId),
      10_000,
    );
  });

  it("finish a running job on SIGTERM, leave the live list at once and exit 0", async () => {
    workers.push(await startHopProcess("worker", env));
    // Probes run one at a time (their own queue): let the one taken over above finish first.
    await waitFor(
      () => db.$queryRaw<{ count: bigint }[]>`SELECT count(*) AS count FROM graphile_worker.jobs WHERE task_identifier = 'system.probe'`,
      (rows) => rows[0]?.count === 0n,
      30_000,
    );
    const probeId = await sendProbe(2_000);
    const [started] = await waitFor(
      () => probeEvents(probeId),
      (events) => events.length > 0,
      10_000,
    );
    const holder = workers.find((worker) => worker.instanceId === started?.instanceId)!;
    const exit = holder.stop();
    const events = await waitFor(
      () => probeEvents(probeId),
      (all) => all.some((event) => event.event === "finished"),
      15_000,
    );
    expect(events.map((event) => [event.event, event.instanceId])).toEqual([
      ["started", holder.instanceId],
      ["finished", holder.instanceId],
    ]);
    expect(await exit).toEqual({ code: 0, signal: null });
    const live = await listLiveInstances(redis.redis);
    expect(live.some((instance) => instance.id === holder.instanceId)).toBe(false);
    workers.splice(workers.indexOf(holder), 1);
  }, 60_000);

  it("drop a killed worker's job that a newer job with its key replaced, and run the newer one", async () => {
    workers.push(await startHopProcess("worker", env));
    await waitFor(probeJobIds, (ids) => ids.length === 0, 30_000);
    const jobKey = `probe-${randomUUID()}`;
    const replaced = await sendProbe(30_000, { jobKey });
    const [replacedJobId] = await probeJobIds();
    const holder = await holderOf(replaced);
    // graphile-worker keeps the running job, without its key and attempts, and queues the newer one under the key.
    const newer = await sendProbe(0, { jobKey });
    expect((await jobRow(replacedJobId!))?.attempts).toBe(25);
    await holder.kill();
    workers.splice(workers.indexOf(holder), 1);
    // Handed back once the heartbeat expires: the replaced job is gone, not left failed; the newer one ran.
    const events = await waitFor(
      () => probeEvents(newer),
      (all) => all.some((event) => event.event === "finished"),
      30_000,
    );
    expect(events.map((event) => event.event)).toEqual(["started", "finished"]);
    await waitFor(probeJobIds, (ids) => ids.length === 0, 10_000);
    expect((await probeEvents(replaced)).map((event) => event.event)).toEqual(["started"]);
  }, 90_000);

  it("fail a killed worker's job on its last attempt, with the reason, instead of leaving it with none", async () => {
    workers.push(await startHopProcess("worker", env));
    const probeId = await sendProbe(30_000, { maxAttempts: 1 });
    const [jobId] = await probeJobIds();
    const holder = await holderOf(probeId);
    await holder.kill();
    workers.splice(workers.indexOf(holder), 1);
    const failed = await waitFor(
      () => jobRow(jobId!),
      (row) => row?.last_error != null,
      30_000,
    );
    expect(failed).toEqual({ attempts: 1, last_error: diedOnLastAttemptMessage, locked_by: null });
    expect((await probeEvents(probeId)).map((event) => event.event)).toEqual(["started"]);
    await db.$executeRaw`SELECT graphile_worker.complete_jobs(ARRAY[${BigInt(jobId!)}]::bigint[])`;
  }, 90_000);
});
