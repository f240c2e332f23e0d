/**
 * The same authenticated read of one link (with a tag), side by side in one
 * run, through one web process of the production build at 50 keep-alive
 * connections:
 * - baseline: GET /api/bench-next-v1/links/{id}, a Next route handler with the
 *   same key check and procedure as /api/v1 (bench:api's baseline, on only with
 *   API_BENCH_NEXT_ROUTE=1)
 * - Shlink:   GET /rest/v3/short-urls/{code} with X-Api-Key (this server, before Next)
 * - dub:      GET /api/dub/links/info?linkId= with a Bearer key (this server, before Next;
 *   two procedures: the link, then the tags' ids and colours)
 * Budget (DESIGN.md): each >= 3x the baseline. The key's limit is lifted for
 * the run (API_KEY_RATE_LIMIT_PER_MINUTE). Also printed: the web process's CPU
 * milliseconds per answered request, the figure a loaded machine disturbs least.
 *
 *   pnpm bench:compat   (after pnpm build)   [--seconds 5] [--concurrency 50] [--profile <dir>]
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
    API_KEY_RATE_LIMIT_PER_MINUTE: "1000000",
    API_BENCH_NEXT_ROUTE: "1",
    LOG_LEVEL: "info",
    ...(profileDir ? { HOP_CPU_PROFILE_DIR: profileDir } : {}),
  },
  60_000,
  profileDir ? ["--import", fileURLToPath(new URL("./cpu-profile-on-signal.mjs", import.meta.url))] : [],
);
const url = new URL(web.url!);
const agent = new Agent({ keepAlive: true, maxSockets: concurrency });

function get(path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request({ host: url.hostname, port: url.port, path, agent, headers }, (incoming) => {
      let body = "";
      incoming.on("data", (chunk: Buffer) => (body += chunk.toString()));
      incoming.on("end", () => resolve({ status: incoming.statusCode ?? 0, body }));
    });
    outgoing.on("error", reject);
    outgoing.end();
  });
}

/** CPU seconds the web process has used (Linux /proc; null elsewhere). */
function webCpuSeconds(): number | null {
  try {
    const fields = readFileSync(`/proc/${web.child.pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

async function measure(path: string, headers: Record<string, string>) {
  let failures = 0;
  const run = async (durationMs: number, record: (ms: number) => void) => {
    const deadline = performance.now() + durationMs;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < deadline) {
          const t0 = performance.now();
          const response = await get(path, headers);
          // Only answers that did the work count; a 503 (Redis too slow on a starved machine) is counted beside the figures.
          if (response.status !== 200) {
            if (response.status !== 503) throw new Error(`${path}: unexpected ${response.status}: ${response.body}`);
            failures++;
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
    perSecond: latencies.length / elapsed,
    cpuMsPerRequest: cpuBefore === null || cpuAfter === null ? Number.NaN : ((cpuAfter - cpuBefore) * 1000) / Math.max(1, latencies.length),
    p50: latencies[Math.floor(latencies.length * 0.5)] ?? Number.NaN,
    p99: latencies[Math.floor(latencies.length * 0.99)] ?? Number.NaN,
  };
}

const trpc = async (path: string, cookie: string, input: unknown) => {
  const response = await fetch(`${web.url}/api/trpc/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", cookie, origin: web.url! },
    body: JSON.stringify({ json: input }),
  });
  const body = (await response.json()) as { result?: { data: { json: unknown } } };
  if (!body.result) throw new Error(`${path}: ${JSON.stringify(body)}`);
  return body.result.data.json;
};

try {
  const signUp = await fetch(`${web.url}/api/trpc/auth.signUp`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ json: { email: "bench@example.com", password: "correct horse battery" } }),
  });
  const cookie = /hop_session=[^;]+/.exec(signUp.headers.get("set-cookie") ?? "")?.[0];
  if (!cookie) throw new Error(`sign-up gave no cookie: ${signUp.status} ${await signUp.text()}`);
  const { key } = (await trpc("apiKeys.create", cookie, { name: "bench", scopes: ["links:read"] })) as { key: string };
  const link = (await trpc("links.create", cookie, { url: "https://example.com/bench", slug: "bench-link", tags: ["bench"] })) as { id: string };

  const baseline = await measure(`/api/bench-next-v1/links/${link.id}`, { authorization: `Bearer ${key}` });
  const shlink = await measure("/rest/v3/short-urls/bench-link", { "x-api-key": key });
  const dub = await measure(`/api/dub/links/info?linkId=${link.id}`, { authorization: `Bearer ${key}` });
  console.log(`\nOne link read, ${concurrency} keep-alive connections, ${seconds} s each after 1 s warm-up, node ${process.version}\n`);
  console.log("| request | requests/s | p50 ms | p99 ms | 503s | vs Next route handler | web CPU ms per request | CPU ratio (Next / this) |");
  console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  const row = (name: string, result: typeof baseline) =>
    console.log(
      `| ${name} | ${Math.round(result.perSecond).toLocaleString("en")} | ${result.p50.toFixed(2)} | ${result.p99.toFixed(2)} | ${result.failures} | ${(result.perSecond / baseline.perSecond).toFixed(2)}x | ${result.cpuMsPerRequest.toFixed(3)} | ${(baseline.cpuMsPerRequest / result.cpuMsPerRequest).toFixed(2)}x |`,
    );
  row("Next route handler: /api/bench-next-v1/links/{id} (Bearer key)", baseline);
  row("Shlink: GET /rest/v3/short-urls/{code} (X-Api-Key)", shlink);
  row("dub: GET /api/dub/links/info?linkId= (Bearer key)", dub);
} finally {
  agent.destroy();
  await web.stop();
  await redisServer.dispose();
  await postgres.stop();
}
