/**
 * The analytics page for an account with 10,000,000 clicks over 90 days
 * across 1,000 links: every query the page makes (totals with the previous
 * period, the time series in Asia/Kolkata, the top 10 of each dimension),
 * with 0, 1 and 2 filters, through the API's own caller (session check,
 * ownership, the rollups and compacted tiers) on real PostgreSQL and Redis; then the
 * whole page's set at once, as the browser asks for it. Baseline, in the same
 * run on the same rows: the same answers computed from the raw clicks.
 * Budget (issue 13): p99 under 100 ms per query, the page under 300 ms.
 *
 *   pnpm bench:analytics [-- --clicks 10000000 --runs 10]
 *
 * Clicks and rollups are seeded with SQL (generate_series into Click, then one
 * INSERT ... SELECT ... GROUP BY per rollup table), not through ingestion;
 * the compacted tiers by the worker's own job (compactClosedDays, compactOpenDay). Before
 * timing, a sample of the answers (totals, series, three top-10 cards per
 * filter set) is checked against the same answers from the raw clicks. Dimensions are drawn
 * independently of each other (skewed within each), which is the worst case
 * for a rollup keyed by all dimensions at once: real traffic is more
 * correlated and rolls up tighter.
 */
import { loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { createCaller, createTRPCContext } from "@hop/api";
import { accountRollupDimensions, compactClosedDays, compactOpenDay, quarterHourSql } from "@hop/clicks";
import { sealSessionCookie, type SessionSecrets } from "@hop/auth";
import { createDatabase } from "@hop/db";
import { migrateDatabase } from "@hop/db/migrate";
import { createRedisClient, redisKeys } from "@hop/redis";
import { startPostgresServer, startRedisServer } from "@hop/test-harness";
import type { AnalyticsDimension, AnalyticsFilter } from "@hop/validators";
import pg from "pg";

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== "--"),
  options: {
    clicks: { type: "string", default: "10000000" },
    runs: { type: "string", default: "10" },
    // Keep the seeded clicks and rollups in this folder and reuse them on the next run with the same --clicks (at 10 M
    // the seeding alone takes a long while); the compacted tiers are always rebuilt and timed, every query timed again.
    "data-dir": { type: "string" },
    "seed-only": { type: "boolean", default: false },
    // With --data-dir: keep the compacted tiers of the last run instead of rebuilding them; the worker's job then
    // compacts only the days they do not hold (the tiers depend on the clicks, not on how their rows lie on disk).
    "keep-compacted": { type: "boolean", default: false },
  },
});
const clickCount = Number(values.clicks);
const runs = Number(values.runs);
const linkCount = 1_000;
const timezone = "Asia/Kolkata";
const secrets: SessionSecrets = { 1: "analytics-bench-secret-0123456789abcdefghij" };

const dataDir = values["data-dir"];
const postgres = await startPostgresServer(dataDir ? { dataDir } : {});
const redisServer = await startRedisServer();
const databaseUrl = await postgres.createDatabase("bench");
await migrateDatabase(databaseUrl);
const db = createDatabase(databaseUrl, { maxConnections: 8 });
const redis = createRedisClient({ REDIS_URL: redisServer.url });
const raw = new pg.Client({ connectionString: databaseUrl });
await raw.connect();

async function stopAll(): Promise<void> {
  await raw.end();
  await db.$disconnect();
  await redis.close();
  await redisServer.dispose();
  await postgres.stop();
}

/** p50 and p99 of `count` sequential calls (after one warm-up), in ms. */
async function measure(count: number, call: () => Promise<unknown>): Promise<{ p50: number; p99: number }> {
  await call();
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await call();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))] as number;
  return { p50: at(0.5), p99: at(0.99) };
}

const sqlArray = (items: readonly string[]) => `ARRAY[${items.map((item) => `'${item}'`).join(",")}]`;
const countries =
  "IN US DE GB FR BR JP NL ES IT CA AU MX ID PL TR SE CH BE AT NO DK FI IE PT CZ RO HU GR IL AE SA ZA NG EG KE AR CL CO PE VN TH MY SG PH KR TW HK NZ UA RU NP BD PK LK IR IQ MA DZ".split(
    " ",
  );
const browsers = ["Chrome", "Mobile Safari", "Safari", "Edge", "Firefox", "Samsung Internet", "Opera", "Chrome WebView"];
const systems = ["Windows", "Android", "iOS", "Mac OS", "Linux", "Chrome OS"];
const sources = ["newsletter", "twitter", "linkedin", "facebook", "google", "partner", "podcast", "reddit"];
const mediums = ["email", "social", "cpc", "referral"];

try {
  // Progress on stderr: at 10 M the seeding alone takes a while.
  const progress = (what: string) => console.error(`${new Date().toISOString()} ${what} (load average ${loadavg()[0]?.toFixed(1)})`);
  const loadStarted = performance.now();
  const seeded = await db.user.findUnique({ where: { email: "bench@example.com" } });
  const seededClicks = seeded ? Number((await raw.query<{ count: string }>(`SELECT count(*) FROM "Click"`)).rows[0]?.count) : 0;
  if (seeded && seededClicks !== clickCount) throw new Error(`${dataDir} holds ${seededClicks} clicks, not ${clickCount}: use another --data-dir`);
  const user = seeded ?? (await db.user.create({ data: { email: "bench@example.com", passwordHash: "x" } }));
  const userId = user.id;
  let clicksSeconds = 0;
  let accountSeconds = 0;
  if (seeded && values["keep-compacted"]) {
    progress(`reusing the ${clickCount} seeded clicks, rollups and compacted tiers of ${dataDir}`);
  } else if (seeded) {
    progress(`reusing the ${clickCount} seeded clicks and rollups of ${dataDir}; the compacted tiers are rebuilt`);
    await raw.query(`TRUNCATE "AccountValueDay", "AccountPairDay", "AccountPairValueDay", "AccountTripleDay", "AccountCompactedDay"`);
  } else {
    await raw.query(
      `INSERT INTO "Link" (id, slug, url, "userId", "updatedAt") SELECT 'link-' || i, 'bench-' || i, 'https://example.com/' || i, $1, now() FROM generate_series(1, $2::int) i`,
      [userId, linkCount],
    );
    await raw.query(`INSERT INTO "Tag" (id, "userId", name) SELECT 'tag-' || i, $1, 'tag-' || i FROM generate_series(1, 20) i`, [userId]);
    await raw.query(
      `INSERT INTO "LinkTag" ("linkId", "tagId") SELECT 'link-' || i, 'tag-' || (1 + i % 20) FROM generate_series(1, $1::int) i WHERE i % 3 = 0`,
      [linkCount],
    );

    // Skewed draws: random()^k puts most clicks on the first values of each list (popular links, countries, referrers).
    await raw.query("SELECT setseed(0.13)");
    await raw.query(
      `INSERT INTO "Click" ("eventId", "linkId", "occurredAt", "referrerHost", "country", "device", "browser", "os", "isBot", "visitorHash",
         "utmSource", "utmMedium", "utmCampaign", "trigger")
       SELECT 'e' || i, 'link-' || (1 + floor(${linkCount} * random() ^ 2))::int, at,
         CASE WHEN random() < 0.35 THEN NULL ELSE 'ref' || floor(200 * random() ^ 3)::int || '.example' END,
         CASE WHEN random() < 0.03 THEN NULL ELSE (${sqlArray(countries)})[1 + floor(${countries.length} * random() ^ 3)::int] END,
         (ARRAY['desktop','desktop','desktop','mobile','mobile','tablet'])[1 + floor(6 * random() ^ 1.2)::int],
         (${sqlArray(browsers)})[1 + floor(${browsers.length} * random() ^ 2)::int],
         (${sqlArray(systems)})[1 + floor(${systems.length} * random() ^ 2)::int],
         random() < 0.02, 'v' || floor(300000 * random())::int || '-' || to_char(at, 'YYYYMMDD'),
         CASE WHEN random() < 0.6 THEN NULL ELSE (${sqlArray(sources)})[1 + floor(${sources.length} * random() ^ 2)::int] END,
         CASE WHEN random() < 0.6 THEN NULL ELSE (${sqlArray(mediums)})[1 + floor(${mediums.length} * random())::int] END,
         CASE WHEN random() < 0.6 THEN NULL ELSE 'campaign-' || floor(30 * random() ^ 2)::int END,
         CASE WHEN random() < 0.1 THEN 'qr' ELSE 'link' END
       FROM (SELECT i, (now() AT TIME ZONE 'UTC') - random() * interval '90 days' AS at FROM generate_series(1, $1::int) i) s`,
      [clickCount],
    );
    clicksSeconds = (performance.now() - loadStarted) / 1000;
    progress(`clicks seeded in ${clicksSeconds.toFixed(0)} s`);
    // The per-account rollups as ingestion keeps them, but set-based: one INSERT ... SELECT ... GROUP BY per table over
    // all the raw rows (ingestion's own statement, a batch at a time, would take hours at 10 M). The values are
    // ingestion's (accountRollupDimensions), so the tables hold what ingestion would have written.
    const accountStarted = performance.now();
    const dimensionValues = accountRollupDimensions.map(([dimension, value]) => `('${dimension}', ${value})`).join(", ");
    await raw.query("SET work_mem = '256MB'");
    await raw.query(
      `INSERT INTO "AccountClickBucket" ("userId", "bucket", "isBot", "clicks")
       SELECT $1, ${quarterHourSql}, "isBot", count(*) FROM "Click" GROUP BY 2, 3`,
      [userId],
    );
    await raw.query(
      `INSERT INTO "AccountDimensionDay" ("userId", "dimension", "day", "isBot", "value", "clicks")
       SELECT $1, d.dimension, "occurredAt"::date, "isBot", d.value, count(*)
       FROM "Click" c CROSS JOIN LATERAL (VALUES ${dimensionValues}) AS d(dimension, value) GROUP BY 2, 3, 4, 5`,
      [userId],
    );
    await raw.query(
      `INSERT INTO "AccountDailyVisitor" ("userId", "day", "visitorHash", "firstAt", "lastAt", "humanFirstAt", "humanLastAt")
       SELECT $1, "occurredAt"::date, "visitorHash", min("occurredAt"), max("occurredAt"),
         min("occurredAt") FILTER (WHERE NOT "isBot"), max("occurredAt") FILTER (WHERE NOT "isBot")
       FROM "Click" GROUP BY 2, 3`,
      [userId],
    );
    await raw.query(
      `INSERT INTO "AccountDailyUniques" ("userId", "day", "kind", "visitors")
       SELECT "userId", day, k.kind, count(*) FILTER (WHERE k.kind = 'all' OR "humanFirstAt" IS NOT NULL)
       FROM "AccountDailyVisitor" CROSS JOIN (VALUES ('all'), ('human')) AS k(kind) GROUP BY 1, 2, 3`,
    );
    accountSeconds = (performance.now() - accountStarted) / 1000;
    progress(`per-account rollups in ${accountSeconds.toFixed(0)} s`);
  }
  // Ingestion writes clicks as they arrive, so a real Click table lies in time order and a period's raw clicks (the open
  // tail, partial edge days, the raw-click cards) are neighbouring pages; the seeding above drew times at random, a page
  // per row. Put the rows in time order, once (an earlier seeding kept in --data-dir is ordered on its next use).
  const [ordered] = (
    await raw.query<{ clustered: boolean }>(
      `SELECT coalesce(bool_or(i.indisclustered), false) AS clustered FROM pg_index i WHERE i.indrelid = '"Click"'::regclass`,
    )
  ).rows;
  if (!ordered?.clustered) {
    const orderStarted = performance.now();
    await raw.query(`CLUSTER "Click" USING "Click_occurredAt_idx"`);
    progress(`clicks put in time order, as ingestion writes them, in ${((performance.now() - orderStarted) / 1000).toFixed(0)} s`);
  }
  if (values["seed-only"]) {
    progress("seeded; --seed-only: stopping before compaction");
    await stopAll();
    process.exit(0);
  }
  // The compacted tiers by the worker's own job (analytics.compact): every closed UTC day, then today so far (up to the
  // last quarter hour that began 10 minutes ago; the clicks since are the open tail).
  const compactionStarted = performance.now();
  const compaction = await compactClosedDays(db, { retentionDays: 365 });
  const compactionSeconds = (performance.now() - compactionStarted) / 1000;
  progress(`compacted ${compaction.days} days in ${compactionSeconds.toFixed(0)} s`);
  const openDayStarted = performance.now();
  const openDay = await compactOpenDay(db, {});
  progress(`compacted today so far (${openDay.accountDays} account) in ${((performance.now() - openDayStarted) / 1000).toFixed(1)} s`);
  for (const table of [
    "Click",
    "AccountClickBucket",
    "AccountDimensionDay",
    "AccountDailyVisitor",
    "AccountDailyUniques",
    "AccountValueDay",
    "AccountPairDay",
    "AccountPairValueDay",
    "AccountTripleDay",
    "AccountCompactedDay",
  ])
    await raw.query(`VACUUM ANALYZE "${table}"`);
  const loadSeconds = (performance.now() - loadStarted) / 1000;
  const accountRows = (
    await raw.query<{ buckets: string; dimensionDays: string; size: string }>(
      `SELECT (SELECT count(*) FROM "AccountClickBucket") AS buckets,
         (SELECT count(*) FROM "AccountDimensionDay") AS "dimensionDays",
         pg_size_pretty(pg_total_relation_size('"AccountClickBucket"') + pg_total_relation_size('"AccountDimensionDay"')) AS size`,
    )
  ).rows[0];
  const sizes = (
    await raw.query<{
      clicks: string;
      valueDays: string;
      pairDays: string;
      pairValueDays: string;
      tripleDays: string;
      compactedSize: string;
      twoFilterSize: string;
    }>(
      `SELECT pg_size_pretty(pg_total_relation_size('"Click"')) AS clicks,
         (SELECT count(*) FROM "AccountValueDay") AS "valueDays", (SELECT count(*) FROM "AccountPairDay") AS "pairDays",
         (SELECT count(*) FROM "AccountPairValueDay") AS "pairValueDays", (SELECT count(*) FROM "AccountTripleDay") AS "tripleDays",
         pg_size_pretty(pg_total_relation_size('"AccountValueDay"') + pg_total_relation_size('"AccountPairDay"')) AS "compactedSize",
         pg_size_pretty(pg_total_relation_size('"AccountPairValueDay"') + pg_total_relation_size('"AccountTripleDay"')) AS "twoFilterSize"`,
    )
  ).rows[0];

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
        operatorEmails: [],
      }),
    );

  const filterSets: Array<{ name: string; filters: AnalyticsFilter[] }> = [
    { name: "no filter", filters: [] },
    { name: "country = DE", filters: [{ dimension: "country", op: "is", value: "DE" }] },
    // A link's own page: the busiest link (the draw puts the most clicks on link-1).
    { name: "link = the busiest link", filters: [{ dimension: "link", op: "is", value: "link-1" }] },
    {
      name: "country = DE, device = mobile",
      filters: [
        { dimension: "country", op: "is", value: "DE" },
        { dimension: "device", op: "is", value: "mobile" },
      ],
    },
  ];
  const dimensions: AnalyticsDimension[] = [
    "link",
    "tag",
    "country",
    "device",
    "browser",
    "os",
    "referrer",
    "utmSource",
    "utmMedium",
    "utmCampaign",
    "trigger",
  ];
  const base = { period: "90d" as const, timezone, includeBots: false };

  // The answers agree with the raw clicks before anything is timed.
  const check = await caller().analytics.totals({ ...base });
  const rawTotal = Number(
    (
      await raw.query<{ count: string }>(`SELECT count(*) FROM "Click" WHERE NOT "isBot" AND "occurredAt" >= $1 AND "occurredAt" < $2`, [
        check.period.from.toISOString().replace("Z", ""),
        check.period.to.toISOString().replace("Z", ""),
      ])
    ).rows[0]?.count,
  );
  if (check.clicks !== rawTotal) throw new Error(`rollups (${check.clicks}) do not match the raw clicks (${rawTotal})`);

  // A sample of the timed answers, per filter set, equal to the same answers from the raw clicks: totals (clicks and
  // unique visitors), the series, and the top 10 of three dimensions (a paired one, the filter's own, links).
  const rawColumn: Record<string, string> = {
    link: `c."linkId"`,
    country: `coalesce(c.country, '')`,
    device: `coalesce(c.device, '')`,
    referrer: `coalesce(c."referrerHost", 'direct')`,
  };
  const checkStarted = performance.now();
  for (const { name, filters } of filterSets) {
    const where = [
      `NOT c."isBot"`,
      `c."occurredAt" >= $1`,
      `c."occurredAt" < $2`,
      ...filters.map((filter) => `${rawColumn[filter.dimension]} = '${filter.value}'`),
    ].join(" AND ");
    const bounds = [check.period.from.toISOString().replace("Z", ""), check.period.to.toISOString().replace("Z", "")];
    const query = { ...base, filters };
    const totals = await caller().analytics.totals(query);
    const [expected] = (
      await raw.query<{ clicks: string; visitors: string }>(
        `SELECT count(*) AS clicks, count(DISTINCT "visitorHash") AS visitors FROM "Click" c WHERE ${where}`,
        bounds,
      )
    ).rows;
    if (totals.clicks !== Number(expected?.clicks) || totals.uniqueVisitors !== Number(expected?.visitors))
      throw new Error(`${name}: totals ${totals.clicks}/${totals.uniqueVisitors} differ from the raw clicks' ${expected?.clicks}/${expected?.visitors}`);
    const series = await caller().analytics.timeseries(query);
    const rawSeries = (
      await raw.query<{ local: string; clicks: string }>(
        `SELECT to_char(date_trunc('day', (c."occurredAt" AT TIME ZONE 'UTC') AT TIME ZONE $3), 'YYYY-MM-DD"T"HH24:MI:SS') AS local, count(*) AS clicks
         FROM "Click" c WHERE ${where} GROUP BY 1`,
        [...bounds, timezone],
      )
    ).rows;
    const seriesOk =
      rawSeries.length === series.points.filter((point) => point.clicks > 0).length &&
      rawSeries.every((row) => series.points.find((point) => point.local === row.local)?.clicks === Number(row.clicks));
    if (!seriesOk) throw new Error(`${name}: the time series differs from the raw clicks'`);
    for (const dimension of ["referrer", "country", "link"] as const) {
      const top = await caller().analytics.top({ ...query, dimension, limit: 10 });
      const rawTop = (
        await raw.query<{ value: string; clicks: string }>(
          `SELECT ${rawColumn[dimension]} AS value, count(*) AS clicks FROM "Click" c WHERE ${where} GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 10`,
          bounds,
        )
      ).rows;
      const same =
        rawTop.length === top.rows.length &&
        rawTop.every((row, index) => top.rows[index]?.value === row.value && top.rows[index]?.clicks === Number(row.clicks));
      if (!same) throw new Error(`${name}: top 10 ${dimension} differs from the raw clicks'`);
    }
  }
  const checkSeconds = (performance.now() - checkStarted) / 1000;
  progress(`answers checked against the raw clicks in ${checkSeconds.toFixed(0)} s`);

  const rows: Array<{ what: string; p50: number; p99: number }> = [];
  for (const { name, filters } of filterSets) {
    progress(`timing ${name}`);
    const query = { ...base, filters };
    rows.push({
      what: `totals + previous period, ${name}`,
      ...(await measure(runs, () => caller().analytics.totals(query))),
    });
    rows.push({ what: `time series by day in ${timezone}, ${name}`, ...(await measure(runs, () => caller().analytics.timeseries(query))) });
    for (const dimension of dimensions) {
      rows.push({ what: `top 10 ${dimension}, ${name}`, ...(await measure(runs, () => caller().analytics.top({ ...query, dimension, limit: 10 }))) });
    }
    rows.push({
      what: `the whole page at once (totals, series, ${dimensions.length} top-10 cards), ${name}`,
      ...(await measure(Math.max(3, Math.floor(runs / 3)), () =>
        Promise.all([
          caller().analytics.totals(query),
          caller().analytics.timeseries(query),
          ...dimensions.map((dimension) => caller().analytics.top({ ...query, dimension, limit: 10 })),
        ]),
      )),
    });
  }

  // Baseline: the same answers (unfiltered) from the raw clicks.
  const from = check.period.from.toISOString().replace("Z", "");
  const to = check.period.to.toISOString().replace("Z", "");
  const baselineRuns = 3;
  const baselines: Array<{ what: string; p50: number; p99: number }> = [
    {
      what: "baseline: time series by day in Asia/Kolkata from raw clicks",
      ...(await measure(baselineRuns, () =>
        raw.query(
          `SELECT date_trunc('day', ("occurredAt" AT TIME ZONE 'UTC') AT TIME ZONE $3), count(*) FROM "Click" c JOIN "Link" l ON l.id = c."linkId"
           WHERE l."userId" = $4 AND NOT "isBot" AND "occurredAt" >= $1 AND "occurredAt" < $2 GROUP BY 1`,
          [from, to, timezone, user.id],
        ),
      )),
    },
    {
      what: "baseline: top 10 country from raw clicks",
      ...(await measure(baselineRuns, () =>
        raw.query(
          `SELECT coalesce(country, ''), count(*) FROM "Click" c JOIN "Link" l ON l.id = c."linkId"
           WHERE l."userId" = $3 AND NOT "isBot" AND "occurredAt" >= $1 AND "occurredAt" < $2 GROUP BY 1 ORDER BY 2 DESC LIMIT 10`,
          [from, to, user.id],
        ),
      )),
    },
    {
      what: "baseline: top 10 referrer, country = DE, device = mobile, from raw clicks",
      ...(await measure(baselineRuns, () =>
        raw.query(
          `SELECT coalesce("referrerHost", 'direct'), count(*) FROM "Click" c JOIN "Link" l ON l.id = c."linkId"
           WHERE l."userId" = $3 AND NOT "isBot" AND "occurredAt" >= $1 AND "occurredAt" < $2 AND country = 'DE' AND device = 'mobile'
           GROUP BY 1 ORDER BY 2 DESC LIMIT 10`,
          [from, to, user.id],
        ),
      )),
    },
  ];

  const baselineOf = (what: string) =>
    what.startsWith("time series")
      ? baselines[0]?.p50
      : what.startsWith("top 10 country, no filter")
        ? baselines[1]?.p50
        : what.startsWith("top 10 referrer, country = DE, device")
          ? baselines[2]?.p50
          : undefined;
  const loadNow = loadavg()
    .map((load) => load.toFixed(1))
    .join(" ");
  console.log(
    `\n${clickCount.toLocaleString("en")} clicks over 90 days across ${linkCount.toLocaleString("en")} links of one account; Click ${sizes?.clicks}; ${seeded ? `seeding reused from ${dataDir}, compacted and analysed in ${loadSeconds.toFixed(0)} s` : `seeded in ${loadSeconds.toFixed(0)} s`} ` +
      `(clicks ${clicksSeconds.toFixed(0)} s, ` +
      `per-account rollups ${accountSeconds.toFixed(0)} s: ${accountRows?.buckets} quarter hours, ` +
      `${accountRows?.dimensionDays} dimension days, ${accountRows?.size}; compaction ${compactionSeconds.toFixed(0)} s for ${compaction.days} days: ` +
      `${sizes?.valueDays} value days, ${sizes?.pairDays} pair days, ${sizes?.compactedSize}; two filters: ${sizes?.pairValueDays} pair value days, ` +
      `${sizes?.tripleDays} triple days, ${sizes?.twoFilterSize}); answers checked against the raw clicks in ${checkSeconds.toFixed(0)} s; ` +
      `load average ${loadNow}; node ${process.version}; ${runs} runs per query (p99 of so few runs is the slowest)\n`,
  );
  console.log("| query (period 90 days, bots excluded) | p50 ms | p99 ms | p50 vs raw-click baseline |");
  console.log("| --- | ---: | ---: | ---: |");
  for (const row of [...rows, ...baselines]) {
    const baseline = baselineOf(row.what);
    console.log(`| ${row.what} | ${row.p50.toFixed(1)} | ${row.p99.toFixed(1)} | ${baseline ? `${((row.p50 / baseline) * 100).toFixed(1)} %` : ""} |`);
  }
  const perQuery = rows.filter((row) => !row.what.startsWith("the whole page"));
  const worst = perQuery.reduce((a, b) => (b.p99 > a.p99 ? b : a));
  const page = rows.filter((row) => row.what.startsWith("the whole page")).reduce((a, b) => (b.p99 > a.p99 ? b : a));
  console.log(`\nBudget: p99 under 100 ms per query: worst ${worst.p99.toFixed(1)} ms (${worst.what}) — ${worst.p99 < 100 ? "met" : "MISSED"}.`);
  console.log(`Budget: the page under 300 ms: worst p99 ${page.p99.toFixed(1)} ms (${page.what}) — ${page.p99 < 300 ? "met" : "MISSED"}.`);
} finally {
  await stopAll();
}
