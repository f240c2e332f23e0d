/**
 * Click ingestion: clicks/s from the Redis stream to committed Click rows,
 * the account's quarter-hour and daily rollups of every dimension, daily
 * rollups, unique visitors and link totals, through the worker's own
 * ingestion loop (read as a consumer of the group, enrich, one transaction
 * per batch, acknowledge), at batch sizes 100, 500 and 1,000. Baseline,
 * measured in the same run on the same PostgreSQL: the same rows, already
 * enriched, written with one multi-row INSERT per batch and no logic at all.
 *
 *   pnpm bench:ingest [-- --clicks 50000]
 *
 * --profile <dir> writes a CPU profile of the bench process during the first drain of each batch size (ingestion
 * only: not the stream's filling, the baseline or the set-up) to <dir>/ingest-<batch>.cpuprofile; read it with
 * `pnpm bench:profile`. The profiler costs CPU itself: figures of a profiled run are not comparable.
 *
 * PostgreSQL runs with its durable defaults (fsync on): every batch is a
 * commit on both sides.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { clickEventToStreamFields, enrichClick, readClickStreamLag, type ClickEvent } from "@hop/clicks";
import { createDatabase } from "@hop/db";
import { migrateJobQueue } from "@hop/jobs";
import { migrateDatabase } from "@hop/db/migrate";
import { createLogger } from "@hop/logger";
import { createRedisClient, redisKeys } from "@hop/redis";
import { startPostgresServer, startRedisServer } from "@hop/test-harness";
import pg from "pg";
import { startClickIngestion } from "../apps/worker/src/click-ingestion";
import { ownCpuMs, parentOf, treeCpuMs } from "./process-cpu";

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== "--"),
  options: { clicks: { type: "string", default: "50000" }, batches: { type: "string", default: "100,500,1000" }, profile: { type: "string" } },
});
const clickCount = Number(values.clicks);
const batchSizes = values.batches.split(",").map(Number);
if (!Number.isInteger(clickCount) || clickCount <= 0 || batchSizes.some((size) => !Number.isInteger(size) || size <= 0)) {
  throw new Error("--clicks and --batches take positive whole numbers (--batches 100,500,1000)");
}

// 200 distinct browsers (a real stream repeats a few hundred user agents) and 2 % bots.
const platforms = [
  "Windows NT 10.0; Win64; x64",
  "Macintosh; Intel Mac OS X 10_15_7",
  "X11; Linux x86_64",
  "Linux; Android 14; Pixel 8",
  "Linux; Android 13; SM-S918B",
];
const browsers = Array.from({ length: 40 }, (_, version) => version + 100).flatMap((version) =>
  platforms.map(
    (platform) =>
      `Mozilla/5.0 (${platform}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${version}.0.0.0 ${platform.includes("Android") ? "Mobile " : ""}Safari/537.36`,
  ),
);
const bots = ["Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)"];
const agentOf = (i: number) => (i % 50 === 0 ? bots[(i / 50) % 2]! : browsers[(i * 7919) % browsers.length]!);
const referrers = [null, null, "https://news.ycombinator.com/item?id=1", "https://www.google.com/", "https://t.co/abc", "https://mail.example.com/"];

const postgres = await startPostgresServer();
const redisServer = await startRedisServer();
const databaseUrl = await postgres.createDatabase("bench");
await migrateDatabase(databaseUrl);
// Each batch also queues its link.clicked webhooks (graphile_worker.add_job): without the queue's schema every batch fails.
await migrateJobQueue(databaseUrl);
const db = createDatabase(databaseUrl, { maxConnections: 4 });
const redis = createRedisClient({ REDIS_URL: redisServer.url }, { rawReplies: true });
const raw = new pg.Client({ connectionString: databaseUrl });
await raw.connect();
// The postmaster: its backends and helpers are what PostgreSQL spends on each side.
const { rows: backend } = await raw.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
const postmaster = parentOf(backend[0]!.pid);
// Redis's own process: the budget's 2 cores carry it too (its stream reads and acknowledgements).
const redisPid = Number(/process_id:(\d+)/.exec(String(await redis.redis.exec(["INFO", "server"])))?.[1]);
if (!Number.isInteger(redisPid) || redisPid <= 0) throw new Error("INFO server told no process_id");
/** `work`, with a CPU profile of this process written to `file` when --profile is given. */
async function profiled<T>(file: string, work: () => Promise<T>): Promise<T> {
  if (!values.profile) return work();
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.start");
  try {
    return await work();
  } finally {
    const { profile } = await session.post("Profiler.stop");
    mkdirSync(values.profile, { recursive: true });
    writeFileSync(join(values.profile, file), JSON.stringify(profile));
    session.disconnect();
  }
}
/** Wall seconds and CPU ms of the bench process, of PostgreSQL and of Redis over `work`. */
async function measured(work: () => Promise<void>): Promise<{ seconds: number; nodeMs: number; postgresMs: number; redisMs: number }> {
  const [wall, node, postgresCpu, redisCpu] = [performance.now(), ownCpuMs(), treeCpuMs(postmaster), treeCpuMs(redisPid)];
  await work();
  return {
    seconds: (performance.now() - wall) / 1000,
    nodeMs: ownCpuMs() - node,
    postgresMs: treeCpuMs(postmaster) - postgresCpu,
    redisMs: treeCpuMs(redisPid) - redisCpu,
  };
}
// BENCH_LOG=warn shows why a batch is retried (silent by default: the figures are the output).
const log = createLogger("bench", process.env.BENCH_LOG === "warn" ? "warn" : "silent");

try {
  const user = await db.user.create({ data: { email: "bench@example.com", passwordHash: "x" } });
  const linkIds: string[] = [];
  for (let i = 0; i < 100; i++) linkIds.push((await db.link.create({ data: { slug: `bench-${i}`, url: `https://example.com/${i}`, userId: user.id } })).id);
  const start = Date.UTC(2026, 10, 24, 12);
  const makeEvents = (round: number): ClickEvent[] =>
    Array.from({ length: clickCount }, (_, i) => ({
      eventId: `r${round}-${i}`,
      linkId: linkIds[(i * 7) % linkIds.length]!,
      occurredAt: new Date(start + i * 3_000),
      referrer: referrers[i % referrers.length]!,
      userAgent: agentOf(i),
      country: ["NL", "US", "DE", "FR", null][i % 5]!,
      visitorHash: `visitor-${(i * 13) % 5_000}`,
      // Public addresses of many networks: the country of those without a CDN header comes from the bundled database.
      ip: `${[8, 31, 51, 81, 193, 200, 203][i % 7]}.${(i * 31) % 256}.${(i * 17) % 256}.${i % 250}`,
      trigger: i % 10 === 0 ? "qr" : "link",
    }));

  const reset = () =>
    raw.query(
      `TRUNCATE "Click", "LinkDailyStat", "LinkDailyVisitor", "AccountClickBucket", "AccountDimensionDay", "AccountDailyVisitor", "AccountDailyUniques"; UPDATE "Link" SET "totalClicks" = 0`,
    );
  type Run = { seconds: number; nodeMs: number; postgresMs: number; redisMs: number };
  const results: Array<{ batch: number; ingest: Run; baseline: Run }> = [];

  for (const batch of batchSizes) {
    const events = makeEvents(batch);

    // Baseline: the same rows, enriched beforehand, one multi-row INSERT per batch, nothing else.
    await reset();
    const rows = events.map((event) => enrichClick(event));
    const columns = ["eventId", "linkId", "occurredAt", "referrerHost", "country", "device", "browser", "os", "isBot", "visitorHash", "userAgent"] as const;
    const insertSql = (count: number) =>
      `INSERT INTO "Click" (${columns.map((column) => `"${column}"`).join(", ")}) VALUES ${Array.from({ length: count }, (_, row) => `(${columns.map((_, column) => `$${row * columns.length + column + 1}`).join(", ")})`).join(", ")}`;
    const baseline = await measured(async () => {
      for (let offset = 0; offset < rows.length; offset += batch) {
        const slice = rows.slice(offset, offset + batch);
        await raw.query(
          insertSql(slice.length),
          slice.flatMap((row) => [
            row.eventId,
            row.linkId,
            row.occurredAt,
            row.referrerHost,
            row.country,
            row.device,
            row.browser,
            row.os,
            row.isBot,
            row.visitorHash,
            row.userAgent,
          ]),
        );
      }
    });

    // Hop: the stream, filled beforehand, drained by the worker's ingestion loop.
    const drain = async (): Promise<Run> => {
      await reset();
      await redis.redis.del(redisKeys.clickStream());
      for (let offset = 0; offset < events.length; offset += 5_000) {
        const pipeline = redis.redis.pipeline();
        for (const event of events.slice(offset, offset + 5_000)) pipeline.xadd(redisKeys.clickStream(), "*", clickEventToStreamFields(event));
        await pipeline.exec();
      }
      let ingestion: ReturnType<typeof startClickIngestion> | undefined;
      const drainStream = () =>
        measured(async () => {
          ingestion = startClickIngestion({
            db,
            redis: redis.redis,
            consumer: `bench-${batch}`,
            batchSize: batch,
            claimIdleMs: 60_000,
            idleBackoffMs: 5,
            log,
            visitorHashSecret: "bench-visitor-hash-secret-0123456789abcdef",
          });
          let progressAt = performance.now();
          let left = Number.POSITIVE_INFINITY;
          for (;;) {
            const lag = await readClickStreamLag(redis.redis);
            if (lag.pending === 0 && lag.unread === 0) break;
            // The loop retries a failing batch forever (as the worker must): a bench that stops moving says so instead.
            if (lag.pending + lag.unread < left) [left, progressAt] = [lag.pending + lag.unread, performance.now()];
            else if (performance.now() - progressAt > 60_000) throw new Error(`batch ${batch}: no progress for 60 s (BENCH_LOG=warn shows why)`);
            // Polled every 20 ms: the poll's own CPU counts as the bench process's, so not more often.
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
        });
      const ingest = await profiled(`ingest-${batch}.cpuprofile`, drainStream);
      await ingestion?.stop();

      const check = await raw.query<{ rows: string; rolled: string; total: string; account: string; dimensions: string }>(
        `SELECT (SELECT count(*) FROM "Click") AS rows, (SELECT sum(clicks + "botClicks") FROM "LinkDailyStat") AS rolled,
          (SELECT sum("totalClicks") + (SELECT sum("botClicks") FROM "LinkDailyStat") FROM "Link") AS total,
          (SELECT sum(clicks) FROM "AccountClickBucket") AS account,
          (SELECT sum(clicks) FROM "AccountDimensionDay" WHERE dimension = 'country') AS dimensions`,
      );
      const counted = check.rows[0]!;
      if ([counted.rows, counted.rolled, counted.total, counted.account, counted.dimensions].some((count) => Number(count) !== clickCount)) {
        throw new Error(`batch ${batch}: counted ${JSON.stringify(counted)}, expected ${clickCount} everywhere`);
      }
      return ingest;
    };
    results.push({ batch, ingest: await drain(), baseline });
  }

  console.log(
    `\nnode ${process.version}; ${clickCount.toLocaleString("en")} clicks per batch size, 100 links, ${browsers.length} browsers + 2 % bots, 5,000 visitors, durable PostgreSQL\n`,
  );
  const rate = (run: Run) => clickCount / run.seconds;
  const perClick = (ms: number) => `${((ms * 1000) / clickCount).toFixed(1)}`;
  const cpu = (run: Run) => `${perClick(run.nodeMs)} + ${perClick(run.postgresMs)} + ${perClick(run.redisMs)}`;
  const ratio = (run: Run, baseline: Run) => `${Math.round((rate(run) / rate(baseline)) * 100)} %`;
  console.log(
    "| batch size | stream -> rows + rollups (clicks/s) | baseline: bare multi-row INSERT (rows/s) | ratio | CPU µs/click (bench process + PostgreSQL + Redis): ingestion | baseline |",
  );
  console.log("| ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const { batch, ingest, baseline } of results) {
    console.log(
      `| ${batch.toLocaleString("en")} | ${Math.round(rate(ingest)).toLocaleString("en")} | ${Math.round(rate(baseline)).toLocaleString("en")} | ${ratio(ingest, baseline)} | ${cpu(ingest)} | ${cpu(baseline)} |`,
    );
  }
} finally {
  await raw.end();
  await db.$disconnect();
  await redis.close();
  await redisServer.dispose();
  await postgres.stop();
}
