/**
 * An import of 100,000 CSV rows through the procedures: the worker's own code
 * path (`runImport` from @hop/api: rows through links.createMany, up to 100 a
 * call, in the importer's context: validation, one slug hold in Redis per
 * batch, tags upserted once, the links, their import records and metadata
 * jobs in one transaction, the cache entries), on real PostgreSQL and Redis. Baseline, in the same run: a bare batched
 * insert of the same rows (createMany of 1,000 links, no tags, no jobs, no
 * Redis). Budget (issue 17): at least 2,000 rows/s.
 *
 *   pnpm bench:import [-- --rows 100000 --concurrency 4]
 */
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { runImport } from "@hop/api";
import { createDatabase } from "@hop/db";
import { migrateDatabase } from "@hop/db/migrate";
import { migrateJobQueue } from "@hop/jobs";
import { createRedisClient } from "@hop/redis";
import { startPostgresServer, startRedisServer } from "@hop/test-harness";

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== "--"),
  options: { rows: { type: "string", default: "100000" }, concurrency: { type: "string", default: "4" } },
});
const rowCount = Number(values.rows);
const concurrency = Number(values.concurrency);

const postgres = await startPostgresServer();
const redisServer = await startRedisServer();
const databaseUrl = await postgres.createDatabase("bench");
await migrateDatabase(databaseUrl);
await migrateJobQueue(databaseUrl);
const db = createDatabase(databaseUrl, { maxConnections: Math.min(concurrency + 2, 20) });
const redis = createRedisClient({ REDIS_URL: redisServer.url });

const tagsOf = (index: number) => `t${index % 20}|campaign-${index % 7}`;
const csv = [
  "url,key,title,tags",
  ...Array.from({ length: rowCount }, (_, index) => `https://import-bench.example/${index},imp-${index},Row ${index},${tagsOf(index)}`),
].join("\n");

/** Wall time and this process's CPU time (user + system) of `work`. */
async function timed(work: () => Promise<unknown>): Promise<{ seconds: number; cpuMs: number }> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await work();
  const used = process.cpuUsage(cpu);
  return { seconds: (performance.now() - started) / 1000, cpuMs: (used.user + used.system) / 1000 };
}

try {
  const user = await db.user.create({ data: { email: "bench@example.com", passwordHash: "x" } });

  const bare = await timed(async () => {
    for (let start = 0; start < rowCount; start += 1_000) {
      const data = Array.from({ length: Math.min(1_000, rowCount - start) }, (_, offset) => {
        const index = start + offset;
        return { userId: user.id, slug: `bare-${index}`, url: `https://import-bench.example/${index}`, title: `Row ${index}` };
      });
      await db.link.createMany({ data });
    }
  });

  console.log(`bare batched insert: ${rowCount} rows in ${bare.seconds.toFixed(1)} s`);
  const created = await db.import.create({
    data: {
      userId: user.id,
      source: "csv:custom",
      fileName: "bench.csv",
      content: csv,
      totalRows: rowCount,
      options: {
        format: "custom",
        mapping: { url: "url", slug: "key", title: "title", tags: "tags", createdAt: null },
        onSlugTaken: "skip",
        shortLinkBaseUrl: "https://hop.example",
        requestHost: null,
      },
    },
  });
  let outcome: Awaited<ReturnType<typeof runImport>> | undefined;
  // A line every 10 s, so a slow machine's run says how far it got.
  const progress = setInterval(() => {
    void db.import
      .findUnique({ where: { id: created.id }, select: { createdRows: true } })
      .then((row) => console.log(`... ${row?.createdRows ?? 0} rows imported`));
  }, 10_000);
  const procedures = await timed(async () => {
    outcome = await runImport({ db, redis: redis.redis, instanceId: "bench", concurrency }, created.id);
  });
  clearInterval(progress);
  if (outcome?.created !== rowCount) throw new Error(`expected ${rowCount} links, the import created ${JSON.stringify(outcome)}`);

  const rate = (run: { seconds: number }) => rowCount / run.seconds;
  console.log(`\n${rowCount.toLocaleString("en")} rows, ${concurrency} createMany calls in flight, node ${process.version}\n`);
  console.log("| path | seconds | rows/s | wall ms per row | bench-process CPU ms per row | vs bare insert (time) |");
  console.log("| --- | ---: | ---: | ---: | ---: | ---: |");
  for (const [what, run] of [
    ["baseline: bare batched insert (createMany of 1,000)", bare],
    ["import through links.createMany (runImport)", procedures],
  ] as const) {
    console.log(
      `| ${what} | ${run.seconds.toFixed(1)} | ${Math.round(rate(run)).toLocaleString("en")} | ${((run.seconds * 1000) / rowCount).toFixed(3)} | ${(run.cpuMs / rowCount).toFixed(3)} | ${(run.seconds / bare.seconds).toFixed(1)}x |`,
    );
  }
  console.log(
    `\nBudget: at least 2,000 rows/s through the procedures: ${Math.round(rate(procedures)).toLocaleString("en")} rows/s (${rate(procedures) >= 2_000 ? "met" : "MISSED"}).`,
  );
} finally {
  await db.$disconnect();
  await redis.close();
  await redisServer.dispose();
  await postgres.stop();
}
