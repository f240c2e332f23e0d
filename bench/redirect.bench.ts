/**
 * Redirects per second and latency at 50 concurrent keep-alive connections:
 * Hop's web process (production build; the lookup and the click's XADD in one
 * Redis round trip) against a bare Node http server doing one Redis GET and
 * answering 302 (bench/redirect-baseline-server.ts), same machine, same run.
 * Budget (DESIGN.md): at least 60 % of the baseline, p99 under 10 ms.
 *
 *   pnpm bench:redirect   (after pnpm build)   [--seconds 5] [--concurrency 50]
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { Agent, request } from "node:http";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createDatabase } from "@hop/db";
import { migrateDatabase } from "@hop/db/migrate";
import { migrateJobQueue } from "@hop/jobs";
import { createRedisClient, redisKeys } from "@hop/redis";
import { startHopProcess, startPostgresServer, startRedisServer } from "@hop/test-harness";

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== "--"),
  options: { seconds: { type: "string", default: "5" }, concurrency: { type: "string", default: "50" } },
});
const seconds = Number(values.seconds);
const concurrency = Number(values.concurrency);

const postgres = await startPostgresServer({ ephemeral: true });
const redisServer = await startRedisServer();
const databaseUrl = await postgres.createDatabase("bench");
await migrateDatabase(databaseUrl);
await migrateJobQueue(databaseUrl);
const env = {
  DATABASE_URL: databaseUrl,
  REDIS_URL: redisServer.url,
  SESSION_SECRETS: `1:${"bench-session-secret-".repeat(2)}`,
  VISITOR_HASH_SECRET: "bench-visitor-hash-secret-0123456789abcdef",
  LOG_LEVEL: "warn",
};
const web = await startHopProcess("web", { ...env, LOG_LEVEL: "info" });

const baseline = spawn(process.execPath, ["--import", "tsx", fileURLToPath(new URL("redirect-baseline-server.ts", import.meta.url))], {
  env: { ...process.env, REDIS_URL: redisServer.url },
  stdio: ["ignore", "pipe", "inherit"],
});
const [firstLine] = (await once(baseline.stdout, "data")) as [Buffer];
const baselinePort = Number(/listening (\d+)/.exec(firstLine.toString())?.[1]);

function get(port: number, path: string, agent: Agent): Promise<{ status: number; location: string | undefined }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      { host: "127.0.0.1", port, path, agent, headers: { "user-agent": "hop-bench/1.0", referer: "https://bench.example/" } },
      (incoming) => {
        incoming.resume();
        incoming.on("end", () => resolve({ status: incoming.statusCode ?? 0, location: incoming.headers.location }));
      },
    );
    outgoing.on("error", reject);
    outgoing.end();
  });
}

async function measure(port: number, path: string, expectedLocation: string) {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const run = async (durationMs: number, record: (ms: number) => void) => {
    const deadline = performance.now() + durationMs;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < deadline) {
          const t0 = performance.now();
          const response = await get(port, path, agent);
          if (response.status !== 302 || response.location !== expectedLocation) throw new Error(`unexpected answer ${response.status} ${response.location}`);
          record(performance.now() - t0);
        }
      }),
    );
  };
  await run(1_000, () => undefined);
  const latencies: number[] = [];
  const started = performance.now();
  await run(seconds * 1_000, (ms) => latencies.push(ms));
  const elapsed = (performance.now() - started) / 1_000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    perSecond: latencies.length / elapsed,
    p50: latencies[Math.floor(latencies.length * 0.5)] ?? NaN,
    p99: latencies[Math.floor(latencies.length * 0.99)] ?? NaN,
    count: latencies.length,
  };
}

const db = createDatabase(databaseUrl);
const redis = createRedisClient({ REDIS_URL: redisServer.url });
try {
  const user = await db.user.create({ data: { email: "bench@example.com", passwordHash: "unused" } });
  const target = "https://example.com/landing?from=bench";
  await db.link.create({ data: { slug: "bench", url: target, userId: user.id } });
  // The first visit fills the shared cache; the baseline reads the same entry.
  const first = await fetch(`${web.url}/bench`, { redirect: "manual" });
  if (first.status !== 302) throw new Error(`web answered ${first.status}`);
  if (!(await redis.redis.get(redisKeys.link("bench")))) throw new Error("the first visit did not fill the cache");

  const bare = await measure(baselinePort, "/bench", target);
  const streamBefore = await redis.redis.xlen(redisKeys.clickStream());
  const hop = await measure(Number(new URL(web.url!).port), "/bench", target);
  const recorded = (await redis.redis.xlen(redisKeys.clickStream())) - streamBefore;

  console.log(`\nGET /bench -> 302, ${concurrency} keep-alive connections, ${seconds} s each (after 1 s warm-up), node ${process.version}\n`);
  console.log("| server | redirects/s | p50 ms | p99 ms | vs baseline |");
  console.log("| --- | ---: | ---: | ---: | ---: |");
  console.log(
    `| bare node:http + one Redis GET (baseline) | ${Math.round(bare.perSecond).toLocaleString("en")} | ${bare.p50.toFixed(2)} | ${bare.p99.toFixed(2)} | 100 % |`,
  );
  console.log(
    `| Hop web (lookup + click XADD, one round trip) | ${Math.round(hop.perSecond).toLocaleString("en")} | ${hop.p50.toFixed(2)} | ${hop.p99.toFixed(2)} | ${((hop.perSecond / bare.perSecond) * 100).toFixed(0)} % |`,
  );
  console.log(
    `\nclicks appended to the stream during the Hop run: ${recorded.toLocaleString("en")} (warm-up included; measured requests ${hop.count.toLocaleString("en")})`,
  );
} finally {
  baseline.kill("SIGTERM");
  await db.$disconnect();
  await redis.close();
  await web.stop();
  await redisServer.dispose();
  await postgres.stop();
}
