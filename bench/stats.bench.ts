/**
 * A link's stats with 1,000,000 clicks behind it: `links.stats` (session
 * check, then the daily rollups) for 7, 30 and 90 days, through the API's
 * own caller on real PostgreSQL and Redis. Baseline, in the same run on the
 * same rows: the 30-day series computed from the raw clicks instead (what
 * the rollups exist to avoid). Budget (DESIGN.md): dashboard queries under
 * 100 ms.
 *
 *   pnpm bench:stats [-- --clicks 1000000]
 */
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { createCaller, createTRPCContext } from "@hop/api";
import { sealSessionCookie, type SessionSecrets } from "@hop/auth";
import { createDatabase } from "@hop/db";
import { migrateDatabase } from "@hop/db/migrate";
import { createRedisClient, redisKeys } from "@hop/redis";
import { startPostgresServer, startRedisServer } from "@hop/test-harness";
import pg from "pg";

const { values } = parseArgs({ args: process.argv.slice(2).filter((arg) => arg !== "--"), options: { clicks: { type: "string", default: "1000000" } } });
const clickCount = Number(values.clicks);
const secrets: SessionSecrets = { 1: "stats-bench-secret-0123456789abcdefghij" };

const postgres = await startPostgresServer();
const redisServer = await startRedisServer();
const databaseUrl = await postgres.createDatabase("bench");
await migrateDatabase(databaseUrl);
const db = createDatabase(databaseUrl, { maxConnections: 4 });
const redis = createRedisClient({ REDIS_URL: redisServer.url });
const raw = new pg.Client({ connectionString: databaseUrl });
await raw.connect();

/** p50 and p99 of `runs` sequential calls, in ms. */
async function measure(runs: number, call: () => Promise<unknown>): Promise<{ p50: number; p99: number }> {
  for (let i = 0; i < Math.min(5, runs); i++) await call();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await call();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
  return { p50: at(0.5), p99: at(0.99) };
}

try {
  const user = await db.user.create({ data: { email: "bench@example.com", passwordHash: "x" } });
  const link = await db.link.create({ data: { slug: "popular", url: "https://example.com/popular", userId: user.id } });

  // 1,000,000 clicks over the last 90 days (2 % bots, 50,000 visitors), then the rollups the worker would have kept.
  const loadStarted = performance.now();
  await raw.query(
    `INSERT INTO "Click" ("eventId", "linkId", "occurredAt", "isBot", "visitorHash", "browser", "os", "device")
     SELECT 'e' || i, $1, now() - (i % 7776000) * interval '1 second', i % 50 = 0, 'v' || (i::bigint * 7919 % 50000), 'Chrome', 'Linux', 'desktop'
     FROM generate_series(1, $2::int) AS i`,
    [link.id, clickCount],
  );
  await raw.query(
    `INSERT INTO "LinkDailyStat" ("linkId", "day", "clicks", "uniqueVisitors", "botClicks")
     SELECT "linkId", ("occurredAt" AT TIME ZONE 'UTC')::date, count(*) FILTER (WHERE NOT "isBot"), count(DISTINCT "visitorHash") FILTER (WHERE NOT "isBot"), count(*) FILTER (WHERE "isBot")
     FROM "Click" WHERE "linkId" = $1 GROUP BY 1, 2`,
    [link.id],
  );
  await raw.query(`UPDATE "Link" SET "totalClicks" = (SELECT sum("clicks") FROM "LinkDailyStat" WHERE "linkId" = $1) WHERE id = $1`, [link.id]);
  await raw.query(`VACUUM ANALYZE "Click"`);
  await raw.query(`VACUUM ANALYZE "LinkDailyStat"`);
  const loadSeconds = (performance.now() - loadStarted) / 1000;

  // A signed-in caller, as a request through the web process would build it.
  const sessionId = "bench-session";
  await redis.redis.hset(redisKeys.session(sessionId), { userId: user.id, createdAt: Date.now(), lastSeenAt: Date.now(), device: "bench" });
  const cookie = await sealSessionCookie({ sid: sessionId, uid: user.id, iat: Date.now() }, secrets, 3_600);
  const caller = () =>
    createCaller(
      createTRPCContext({
        db,
        redis: redis.redis,
        instanceId: "bench",
        request: new Request("https://hop.example/api/trpc", { headers: { cookie: `hop_session=${cookie}`, host: "hop.example" } }),
        responseHeaders: new Headers(),
        sessionConfig: { secrets, ttlSeconds: 3_600 },
        clientIp: "203.0.113.9",
      }),
    );

  const check = await caller().links.stats({ id: link.id, days: 90 });
  const total = Number((await raw.query<{ count: string }>(`SELECT count(*) FROM "Click" WHERE "linkId" = $1 AND NOT "isBot"`, [link.id])).rows[0]!.count);
  if (check.link.clicks !== total) throw new Error(`rollups (${check.link.clicks}) do not match the raw clicks (${total})`);

  const rows: Array<{ what: string; p50: number; p99: number }> = [];
  for (const days of [7, 30, 90] as const) {
    rows.push({ what: `links.stats, ${days} days (session check + rollups)`, ...(await measure(200, () => caller().links.stats({ id: link.id, days }))) });
  }
  const rawSeries = await measure(5, () =>
    raw.query(
      `SELECT ("occurredAt" AT TIME ZONE 'UTC')::date AS day, count(*) FILTER (WHERE NOT "isBot"), count(DISTINCT "visitorHash") FILTER (WHERE NOT "isBot"), count(*) FILTER (WHERE "isBot")
       FROM "Click" WHERE "linkId" = $1 AND "occurredAt" >= now() - interval '30 days' GROUP BY 1`,
      [link.id],
    ),
  );
  rows.push({ what: "baseline: the 30-day series from raw clicks (GROUP BY over Click)", ...rawSeries });

  const baseline = rawSeries.p50;
  console.log(`\nA link with ${clickCount.toLocaleString("en")} clicks over 90 days (loaded in ${loadSeconds.toFixed(1)} s), node ${process.version}\n`);
  console.log("| query | p50 ms | p99 ms | p50 vs raw-click baseline |");
  console.log("| --- | ---: | ---: | ---: |");
  for (const row of rows) console.log(`| ${row.what} | ${row.p50.toFixed(2)} | ${row.p99.toFixed(2)} | ${((row.p50 / baseline) * 100).toFixed(1)} % |`);
  const worst = Math.max(...rows.slice(0, 3).map((row) => row.p99));
  console.log(`\nBudget: under 100 ms. Worst p99 of links.stats: ${worst.toFixed(2)} ms (${worst < 100 ? "met" : "MISSED"}).`);
} finally {
  await raw.end();
  await db.$disconnect();
  await redis.close();
  await redisServer.dispose();
  await postgres.stop();
}
