/**
 * Visit -> dashboard, live: two web instances and a worker of the production
 * build on real PostgreSQL and Redis; a signed-in dashboard holds the
 * server-sent event stream of web 1 (`GET /api/live`) while clicks arrive
 * through web 2 at a steady rate (100/s by default). For every click: the
 * time from sending its request to the event that reports it counted on the
 * other instance's stream. Baseline, in the same run: a bare Redis PUBLISH ->
 * SUBSCRIBE round trip through the same client (the fan-out's own floor).
 * Budget (issue 13): p99 under 2 s with 100 clicks/s flowing.
 *
 *   pnpm bench:live [-- --rate 100 --seconds 20]
 */
import { loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import { sealSessionCookie } from "@hop/auth";
import { createDatabase } from "@hop/db";
import { migrateDatabase } from "@hop/db/migrate";
import { migrateJobQueue } from "@hop/jobs";
import { createRedisClient, redisKeys } from "@hop/redis";
import { startHopProcess, startPostgresServer, startRedisServer, type HopProcess } from "@hop/test-harness";

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== "--"),
  options: { rate: { type: "string", default: "100" }, seconds: { type: "string", default: "20" } },
});
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const budgetMs = 2_000;

const percentile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;

const postgres = await startPostgresServer({ ephemeral: true });
const redisServer = await startRedisServer();
const processes: HopProcess[] = [];
const redis = createRedisClient({ REDIS_URL: redisServer.url });
try {
  const databaseUrl = await postgres.createDatabase("bench");
  await migrateDatabase(databaseUrl);
  await migrateJobQueue(databaseUrl);
  const secret = "live-bench-session-secret-0123456789";
  const env = {
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisServer.url,
    LOG_LEVEL: "info",
    SESSION_SECRETS: `1:${secret}`,
    VISITOR_HASH_SECRET: "live-bench-visitor-hash-secret-0123456789",
  };
  for (const kind of ["web", "web", "worker"] as const) processes.push(await startHopProcess(kind, env));
  const [web1, web2] = processes as [HopProcess, HopProcess];

  const db = createDatabase(databaseUrl, { maxConnections: 2 });
  const user = await db.user.create({ data: { email: "live-bench@example.com", passwordHash: "x" } });
  const link = await db.link.create({ data: { slug: "live", url: "https://example.com/live", userId: user.id } });
  await db.$disconnect();
  const sessionId = "live-bench-session";
  await redis.redis.hset(redisKeys.session(sessionId), { userId: user.id, createdAt: Date.now(), lastSeenAt: Date.now(), device: "bench" });
  const cookie = await sealSessionCookie({ sid: sessionId, uid: user.id, iat: Date.now() }, { 1: secret }, 3_600);

  // Baseline: PUBLISH -> SUBSCRIBE through the same @upstash/redis client over TCP.
  const channel = "hop:bench-live-baseline";
  const subscriber = redis.redis.subscribe<string>([channel]);
  await new Promise<void>((resolve) => subscriber.on("subscribe", () => resolve()));
  const baseline: number[] = [];
  for (let i = 0; i < 200; i++) {
    const received = new Promise<void>((resolve) => subscriber.on("message", () => resolve()));
    const started = performance.now();
    await redis.redis.publish(channel, String(i));
    await received;
    baseline.push(performance.now() - started);
    subscriber.removeAllListeners();
  }
  await subscriber.unsubscribe();
  baseline.sort((a, b) => a - b);

  // The dashboard: web 1's stream, read as EventSource would.
  const sentAt: number[] = [];
  const latencies: number[] = [];
  /** Wall clock (one machine, one clock): from the worker's publish to the event read here. */
  const fanout: number[] = [];
  let counted = 0;
  const stream = await fetch(`${web1.url}/api/live`, { headers: { cookie: `hop_session=${cookie}` } });
  if (stream.status !== 200 || !stream.body) throw new Error(`/api/live answered ${stream.status}`);
  const reader = stream.body.pipeThrough(new TextDecoderStream()).getReader();
  let hello: () => void = () => undefined;
  const helloSeen = new Promise<void>((resolve) => {
    hello = resolve;
  });
  const reading = (async () => {
    let buffered = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffered += value;
      let end = buffered.indexOf("\n\n");
      while (end !== -1) {
        const block = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        end = buffered.indexOf("\n\n");
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event === "hello") hello();
        if (event !== "clicks" || !data) continue;
        const now = performance.now();
        const update = JSON.parse(data) as { at: number; links: Record<string, number> };
        fanout.push(Date.now() - update.at);
        // Clicks are counted in the order they were sent, near enough: the k-th counted is taken as the k-th sent.
        const upTo = counted + (update.links[link.id] ?? 0);
        for (let k = counted; k < upTo && k < sentAt.length; k++) latencies.push(now - sentAt[k]!);
        counted = upTo;
      }
    }
  })();
  await helloSeen;

  // The load: `rate` visits a second through web 2, each sent on schedule (not after the previous answer).
  const total = rate * seconds;
  const started = performance.now();
  const inFlight: Promise<unknown>[] = [];
  const answered: number[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const sent = performance.now();
    sentAt.push(sent);
    inFlight.push(
      fetch(`${web2.url}/live`, { redirect: "manual", headers: { "user-agent": `Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0 bench/${i % 500}` } }).then(
        async (response) => {
          await response.arrayBuffer();
          answered.push(performance.now() - sent);
        },
      ),
    );
  }
  await Promise.all(inFlight);
  const deadline = performance.now() + 30_000;
  while (counted < total && performance.now() < deadline) await sleep(50);
  await reader.cancel();
  await reading.catch(() => undefined);

  latencies.sort((a, b) => a - b);
  answered.sort((a, b) => a - b);
  const p99 = percentile(latencies, 0.99);
  const load = loadavg()
    .map((value) => value.toFixed(1))
    .join(" / ");
  console.log(`\nLive: ${total} visits at ${rate}/s through web 2, reported on web 1's /api/live; node ${process.version}; load average ${load}\n`);
  console.log("| what | p50 ms | p99 ms | max ms | seen |");
  console.log("| --- | ---: | ---: | ---: | ---: |");
  console.log(
    `| visit -> dashboard event (other instance) | ${percentile(latencies, 0.5).toFixed(0)} | ${p99.toFixed(0)} | ${(latencies.at(-1) ?? Number.NaN).toFixed(0)} | ${latencies.length} / ${total} |`,
  );
  console.log(
    `| of which: the redirect's own answer (web 2) | ${percentile(answered, 0.5).toFixed(0)} | ${percentile(answered, 0.99).toFixed(0)} | ${(answered.at(-1) ?? Number.NaN).toFixed(0)} | ${answered.length} / ${total} |`,
  );
  fanout.sort((a, b) => a - b);
  console.log(
    `| of which: worker's publish -> event on web 1 (per event) | ${percentile(fanout, 0.5).toFixed(0)} | ${percentile(fanout, 0.99).toFixed(0)} | ${(fanout.at(-1) ?? Number.NaN).toFixed(0)} | ${fanout.length} events |`,
  );
  console.log(
    `| baseline: Redis PUBLISH -> SUBSCRIBE, same client | ${percentile(baseline, 0.5).toFixed(2)} | ${percentile(baseline, 0.99).toFixed(2)} | ${(baseline.at(-1) ?? 0).toFixed(2)} | 200 |`,
  );
  console.log(
    `\np99 ${p99.toFixed(0)} ms = ${((p99 / budgetMs) * 100).toFixed(0)} % of the 2,000 ms budget; ${(p99 / percentile(baseline, 0.99)).toFixed(0)}x the bare pub/sub p99.`,
  );
  if (latencies.length < total) console.log(`MISSED: ${total - latencies.length} visits were not reported within 30 s of the last one.`);
} finally {
  await Promise.allSettled(processes.map((process) => process.stop()));
  await redis.close();
  await redisServer.dispose();
  await postgres.stop();
}
