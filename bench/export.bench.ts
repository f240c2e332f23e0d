/**
 * Export of raw clicks: 1,000,000 clicks of the last 30 days downloaded as
 * CSV from a web process of the production build (`/api/analytics/clicks.csv`,
 * streamed a page at a time through the analytics.clicks procedure), with the
 * web process's memory sampled all along (RSS every 100 ms, and the kernel's
 * peak, VmHWM, at the end). Baseline, in the same run on the same rows: the
 * same keyset pages read straight from PostgreSQL by this process, no HTTP,
 * no tRPC, no CSV. Budget (issue 17): the exporting process under 200 MB.
 *
 *   pnpm build && pnpm bench:export [-- --clicks 1000000]
 */
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { hashPassword } from "@hop/auth";
import { createDatabase } from "@hop/db";
import { migrateDatabase } from "@hop/db/migrate";
import { migrateJobQueue } from "@hop/jobs";
import { CleanupStack, startHopProcess, startPostgresServer, startRedisServer } from "@hop/test-harness";
import pg from "pg";
import { createCookieClient } from "../test/support/http-session";

const { values } = parseArgs({ args: process.argv.slice(2).filter((arg) => arg !== "--"), options: { clicks: { type: "string", default: "1000000" } } });
const clickCount = Number(values.clicks);

/** A figure of /proc/<pid>/status in MB ("VmRSS", "VmHWM"). */
function memoryMb(pid: number, field: "VmRSS" | "VmHWM"): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8")
    .split("\n")
    .find((entry) => entry.startsWith(`${field}:`));
  return Number(line?.match(/(\d+)/)?.[1] ?? 0) / 1024;
}

const cleanup = new CleanupStack();
try {
  const postgres = await startPostgresServer({ ephemeral: true });
  cleanup.defer(() => postgres.stop());
  const redisServer = await startRedisServer();
  cleanup.defer(() => redisServer.dispose());
  const databaseUrl = await postgres.createDatabase("bench");
  await migrateDatabase(databaseUrl);
  await migrateJobQueue(databaseUrl);
  const db = createDatabase(databaseUrl);
  cleanup.defer(() => db.$disconnect());
  const raw = new pg.Client({ connectionString: databaseUrl });
  await raw.connect();
  cleanup.defer(() => raw.end());

  const user = await db.user.create({ data: { email: "bench-export@example.com", passwordHash: await hashPassword("bench password 123") } });
  const link = await db.link.create({ data: { slug: "exported", url: "https://example.com/exported", userId: user.id } });
  const loadStarted = performance.now();
  await raw.query(
    `INSERT INTO "Click" ("eventId", "linkId", "occurredAt", "isBot", "visitorHash", "browser", "os", "device", "country", "referrerHost", "userAgent")
     SELECT 'e' || i, $1, now() - interval '1 hour' - (i % 2500000) * interval '1 second', false, 'v' || (i % 50000), 'Chrome', 'Linux', 'desktop', 'NL',
            'news.example', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36'
     FROM generate_series(1, $2::int) AS i`,
    [link.id, clickCount],
  );
  await raw.query(`ANALYZE "Click"`);
  console.log(`loaded ${clickCount} clicks in ${((performance.now() - loadStarted) / 1000).toFixed(1)} s`);

  // Baseline: the same rows in keyset pages of 1,000, straight from PostgreSQL.
  const baselineStarted = performance.now();
  let baselineRows = 0;
  let cursor: { at: Date; id: string } | null = null;
  for (;;) {
    const page: pg.QueryResult<{ id: string; occurredAt: Date }> = cursor
      ? await raw.query(`SELECT * FROM "Click" WHERE "linkId" = $1 AND ("occurredAt", id) < ($2, $3) ORDER BY "occurredAt" DESC, id DESC LIMIT 1000`, [
          link.id,
          cursor.at,
          cursor.id,
        ])
      : await raw.query(`SELECT * FROM "Click" WHERE "linkId" = $1 ORDER BY "occurredAt" DESC, id DESC LIMIT 1000`, [link.id]);
    baselineRows += page.rows.length;
    const last = page.rows.at(-1);
    if (!last || page.rows.length < 1000) break;
    cursor = { at: last.occurredAt, id: last.id };
  }
  const baselineSeconds = (performance.now() - baselineStarted) / 1000;

  const web = await startHopProcess("web", {
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisServer.url,
    SESSION_SECRETS: `1:${"bench-session-secret-".repeat(2)}`,
    VISITOR_HASH_SECRET: "bench-visitor-hash-secret-0123456789abcdef",
    LOG_LEVEL: "info",
  });
  cleanup.defer(() => web.kill());
  const pid = web.child.pid!;
  const client = createCookieClient();
  await client.api(web.url!).auth.signIn.mutate({ email: "bench-export@example.com", password: "bench password 123" });
  const rssAtStart = memoryMb(pid, "VmRSS");

  let rssPeak = rssAtStart;
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, memoryMb(pid, "VmRSS"));
  }, 100);
  const exportStarted = performance.now();
  const response = await fetch(`${web.url}/api/analytics/clicks.csv?period=30d`, { headers: { cookie: `hop_session=${client.cookie}` } });
  if (response.status !== 200) throw new Error(`export answered ${response.status}: ${await response.text()}`);
  let bytes = 0;
  let lines = 0;
  // Read as a slow-ish client would: chunk by chunk, never the whole file in this process either.
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    bytes += chunk.length;
    for (const byte of chunk) if (byte === 10) lines++;
  }
  const exportSeconds = (performance.now() - exportStarted) / 1000;
  clearInterval(sampler);
  const exportedRows = lines - 1;
  const kernelPeak = memoryMb(pid, "VmHWM");

  console.log(`bench:export, ${clickCount} clicks, one web process of the production build`);
  console.log(
    `  baseline, keyset pages straight from PostgreSQL: ${baselineRows} rows in ${baselineSeconds.toFixed(1)} s, ${Math.round(baselineRows / baselineSeconds)} rows/s`,
  );
  console.log(
    `  /api/analytics/clicks.csv:                       ${exportedRows} rows, ${(bytes / 1e6).toFixed(0)} MB in ${exportSeconds.toFixed(1)} s, ${Math.round(exportedRows / exportSeconds)} rows/s (${(exportedRows / exportSeconds / (baselineRows / baselineSeconds)).toFixed(2)}x the baseline)`,
  );
  console.log(
    `  web RSS: ${rssAtStart.toFixed(0)} MB before, peak ${rssPeak.toFixed(0)} MB sampled, ${kernelPeak.toFixed(0)} MB VmHWM over the process's life`,
  );
  console.log(
    `  budget, exporting process under 200 MB: ${kernelPeak < 200 ? "met" : "MISSED"}; every click exported: ${exportedRows === clickCount ? "yes" : "NO"}`,
  );
} finally {
  await cleanup.run();
}
