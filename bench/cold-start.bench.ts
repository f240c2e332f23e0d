/**
 * A new instance's first requests: what a visit waits for when a web process
 * has just started (a deploy, a restart, one more instance), and a click when
 * a worker has. Production build, real PostgreSQL and Redis; each round starts
 * a fresh web and a fresh worker.
 *
 * Per round: the new web's first visit to a link in the shared cache, then its
 * first visit to a link not cached yet (read from PostgreSQL), each against the
 * median of 20 more of the same kind (the baseline: same process, same run);
 * the new worker's first click (appended to the stream, timed until its row is
 * in PostgreSQL) against its second.
 *
 *   pnpm bench:cold-start   (after pnpm build)   [--rounds 3]
 */
import { parseArgs } from "node:util";
import { clickEventToStreamFields } from "@hop/clicks";
import { createDatabase } from "@hop/db";
import { createRedisClient, redisKeys } from "@hop/redis";
import { CleanupStack, startHopProcess } from "@hop/test-harness";
import { startBenchStack } from "./bench-stack";

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== "--"),
  options: { rounds: { type: "string", default: "3" } },
});
const rounds = Number(values.rounds);
if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds must be a whole number of at least 1, not ${values.rounds}`);

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

const cleanup = new CleanupStack();
try {
  const { databaseUrl, redisServer, env } = await startBenchStack(cleanup);
  const db = createDatabase(databaseUrl, { maxConnections: 2 });
  cleanup.defer(() => db.$disconnect());
  const redis = createRedisClient({ REDIS_URL: redisServer.url });
  cleanup.defer(() => redis.close());
  const user = await db.user.create({ data: { email: "cold-start@example.com", passwordHash: "unused" } });
  const target = "https://example.com/cold-start";
  const link = await db.link.create({ data: { slug: "cold", url: target, userId: user.id } });
  // Links no visit has cached yet: 21 a round (the first one and the baseline's 20).
  for (let round = 1; round <= rounds; round++) {
    await db.link.createMany({ data: Array.from({ length: 21 }, (_, i) => ({ slug: `uncached-${round}-${i}`, url: target, userId: user.id })) });
  }

  const visit = async (webUrl: string, slug = "cold") => {
    const started = performance.now();
    const response = await fetch(`${webUrl}/${slug}`, { redirect: "manual", headers: { "user-agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0 bench" } });
    await response.arrayBuffer();
    if (response.status !== 302 || response.headers.get("location") !== target) throw new Error(`web answered ${response.status}`);
    return performance.now() - started;
  };
  let clicks = 0;
  const countedClick = async () => {
    const started = performance.now();
    const event = {
      eventId: `cold-start-${clicks++}`,
      linkId: link.id,
      occurredAt: new Date(),
      referrer: null,
      userAgent: "bench",
      country: null,
      ip: "10.0.0.1",
    };
    await redis.redis.xadd(redisKeys.clickStream(), "*", clickEventToStreamFields(event));
    const deadline = started + 30_000;
    while ((await db.click.count({ where: { eventId: event.eventId } })) === 0) {
      if (performance.now() > deadline) throw new Error(`click ${event.eventId} was not counted within 30 s`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    return performance.now() - started;
  };

  // One visit through a web that is then stopped puts the link in the shared cache for every round.
  const filler = await startHopProcess("web", env);
  await visit(filler.url!);
  await filler.stop();

  const rows: string[] = [];
  for (let round = 1; round <= rounds; round++) {
    const web = await startHopProcess("web", env);
    const first = await visit(web.url!);
    const firstMiss = await visit(web.url!, `uncached-${round}-0`);
    const next: number[] = [];
    const nextMisses: number[] = [];
    for (let i = 1; i <= 20; i++) {
      next.push(await visit(web.url!));
      nextMisses.push(await visit(web.url!, `uncached-${round}-${i}`));
    }
    await web.stop();

    const worker = await startHopProcess("worker", env);
    const firstClick = await countedClick();
    const secondClick = await countedClick();
    await worker.stop();
    rows.push(
      `| ${round} | ${first.toFixed(1)} | ${median(next).toFixed(1)} | ${firstMiss.toFixed(1)} | ${median(nextMisses).toFixed(1)} | ${firstClick.toFixed(0)} | ${secondClick.toFixed(0)} |`,
    );
  }

  console.log(`\nA new instance's first requests, ${rounds} rounds (a fresh web and a fresh worker each), node ${process.version}\n`);
  console.log(
    "| round | web: first visit, cached link ms | the next 20: median ms | web: first visit, uncached link ms | the next 20: median ms | worker: first click counted ms | its second click ms |",
  );
  console.log("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const row of rows) console.log(row);
} finally {
  await cleanup.run();
}
