/**
 * Job pickup latency and process start-up times, each against a baseline
 * measured in the same run on the same machine:
 * - job pickup (enqueue -> handler start, 1,000 jobs one at a time) against a
 *   bare PostgreSQL NOTIFY -> LISTEN round trip, the floor of any queue kept in
 *   PostgreSQL;
 * - web and worker start-up (spawn -> ready) against a bare `node -e ""`,
 *   and SIGTERM -> exit of an idle process against the 10 s budget.
 *
 *   pnpm bench:processes   (after pnpm build)
 */
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { createDatabase } from "@hop/db";
import { migrateDatabase } from "@hop/db/migrate";
import { enqueueJob, migrateJobQueue } from "@hop/jobs";
import { startHopProcess, startPostgresServer, startRedisServer } from "@hop/test-harness";
import { Redis as RawRedis } from "ioredis";
import pg from "pg";

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== "--"),
  options: { jobs: { type: "string", default: "1000" }, starts: { type: "string", default: "5" } },
});
const jobCount = Number(values.jobs);
const startCount = Number(values.starts);

const percentile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
const summary = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99) };
};

const postgres = await startPostgresServer({ ephemeral: true });
const redisServer = await startRedisServer();
const databaseUrl = await postgres.createDatabase("bench");
await migrateDatabase(databaseUrl);
await migrateJobQueue(databaseUrl);
// Processes must log at info: the harness waits for their "ready" line.
const env = {
  DATABASE_URL: databaseUrl,
  REDIS_URL: redisServer.url,
  LOG_LEVEL: "info",
  SESSION_SECRETS: `1:${"bench-session-secret-".repeat(2)}`,
  VISITOR_HASH_SECRET: "bench-visitor-hash-secret-0123456789abcdef",
};

try {
  // Baseline: NOTIFY on one connection, received by LISTEN on another.
  const listener = new pg.Client({ connectionString: databaseUrl });
  const notifier = new pg.Client({ connectionString: databaseUrl });
  await Promise.all([listener.connect(), notifier.connect()]);
  await listener.query("LISTEN bench");
  const notifyLatencies: number[] = [];
  for (let i = 0; i < jobCount; i++) {
    const received = new Promise<void>((resolve) => listener.once("notification", () => resolve()));
    const t0 = performance.now();
    await notifier.query("NOTIFY bench");
    await received;
    notifyLatencies.push(performance.now() - t0);
  }
  await Promise.all([listener.end(), notifier.end()]);

  // Job pickup through a real worker process.
  const worker = await startHopProcess("worker", { ...env, WORKER_CONCURRENCY: "4" });
  const db = createDatabase(databaseUrl);
  const raw = new RawRedis(redisServer.url);
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  const pickupLatencies: number[] = [];
  for (let i = 0; i < jobCount; i++) {
    const probeId = randomUUID();
    const enqueuedAt = Date.now();
    const jobId = await enqueueJob(db, "system.probe", { probeId, holdMs: 0 });
    let started: string | null = null;
    while (!started) {
      started = await raw.lindex(`hop:probe:${probeId}`, 0);
      if (!started) await new Promise((resolve) => setImmediate(resolve));
    }
    pickupLatencies.push(Date.parse((JSON.parse(started) as { at: string }).at) - enqueuedAt);
    // Probes run one at a time in their own queue: the next is enqueued once this one is done and its row gone, so
    // each sample is a pickup from a free queue (not a wait behind the previous probe's completion).
    while ((await pool.query("SELECT 1 FROM graphile_worker.jobs WHERE id = $1", [jobId])).rowCount) await new Promise((resolve) => setImmediate(resolve));
  }
  await pool.end();
  await worker.stop();
  await db.$disconnect();
  raw.disconnect();

  // Start-up: spawn -> ready, against a bare Node process.
  const bareNode: number[] = [];
  for (let i = 0; i < startCount; i++) {
    const t0 = performance.now();
    await new Promise((resolve) => spawn(process.execPath, ["-e", ""]).once("exit", resolve));
    bareNode.push(performance.now() - t0);
  }
  const startups: Record<"web" | "worker", number[]> = { web: [], worker: [] };
  const stops: Record<"web" | "worker", number[]> = { web: [], worker: [] };
  for (const kind of ["web", "worker"] as const) {
    for (let i = 0; i < startCount; i++) {
      const t0 = performance.now();
      const process = await startHopProcess(kind, env);
      startups[kind].push(performance.now() - t0);
      const t1 = performance.now();
      await process.stop();
      stops[kind].push(performance.now() - t1);
    }
  }

  const notify = summary(notifyLatencies);
  const pickup = summary(pickupLatencies);
  const bare = summary(bareNode);
  const web = summary(startups.web);
  const workerStart = summary(startups.worker);
  console.log(`\nnode ${process.version}; ${jobCount} jobs one at a time; ${startCount} starts of each\n`);
  console.log("| measure | p50 ms | p99 ms | baseline | baseline p50 ms | ratio (p50) |");
  console.log("| --- | ---: | ---: | --- | ---: | ---: |");
  console.log(
    `| job pickup (enqueue -> handler start) | ${pickup.p50.toFixed(1)} | ${pickup.p99.toFixed(1)} | PostgreSQL NOTIFY -> LISTEN | ${notify.p50.toFixed(2)} | ${(pickup.p50 / notify.p50).toFixed(1)}x |`,
  );
  console.log(
    `| web start-up (spawn -> ready) | ${web.p50.toFixed(0)} | ${Math.max(...startups.web).toFixed(0)} (max) | bare \`node -e ""\` | ${bare.p50.toFixed(0)} | ${(web.p50 / bare.p50).toFixed(1)}x |`,
  );
  for (const kind of ["web", "worker"] as const) {
    console.log(
      `| ${kind} SIGTERM -> exit (idle) | ${summary(stops[kind]).p50.toFixed(0)} | ${Math.max(...stops[kind]).toFixed(0)} (max) | budget | 10000 | ${(summary(stops[kind]).p50 / 10_000).toFixed(2)}x |`,
    );
  }
  console.log(
    `| worker start-up (spawn -> ready) | ${workerStart.p50.toFixed(0)} | ${Math.max(...startups.worker).toFixed(0)} (max) | bare \`node -e ""\` | ${bare.p50.toFixed(0)} | ${(workerStart.p50 / bare.p50).toFixed(1)}x |`,
  );
} finally {
  await redisServer.dispose();
  await postgres.stop();
}
