/**
 * An authenticated tRPC query against an unauthenticated one, same procedure,
 * same process, same run: `auth.session` with a session cookie (seal check +
 * one Redis read) and without one (no I/O), through one web process of the
 * production build, at 50 concurrent keep-alive connections.
 *
 *   pnpm bench:auth   (after pnpm build)
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
});
const url = new URL(web.url!);
const agent = new Agent({ keepAlive: true, maxSockets: concurrency });

function get(path: string, cookie?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request({ host: url.hostname, port: url.port, path, agent, headers: cookie ? { cookie } : {} }, (incoming) => {
      let body = "";
      incoming.on("data", (chunk: Buffer) => (body += chunk.toString()));
      incoming.on("end", () => resolve({ status: incoming.statusCode ?? 0, body }));
    });
    outgoing.on("error", reject);
    outgoing.end();
  });
}

async function measure(cookie: string | undefined) {
  const path = "/api/trpc/auth.session";
  const run = async (durationMs: number, record: (ms: number) => void) => {
    const deadline = performance.now() + durationMs;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < deadline) {
          const t0 = performance.now();
          const response = await get(path, cookie);
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

try {
  // A real account and session, through the API.
  const signUp = await fetch(`${web.url}/api/trpc/auth.signUp`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ json: { email: "bench@example.com", password: "correct horse battery" } }),
  });
  const cookie = /hop_session=[^;]+/.exec(signUp.headers.get("set-cookie") ?? "")?.[0];
  if (!cookie) throw new Error(`sign-up gave no cookie: ${signUp.status} ${await signUp.text()}`);
  const check = await get("/api/trpc/auth.session", cookie);
  if (!check.body.includes("sessionId")) throw new Error(`the cookie is not a session: ${check.body}`);

  const anonymous = await measure(undefined);
  const authenticated = await measure(cookie);
  console.log(`\nGET /api/trpc/auth.session, ${concurrency} keep-alive connections, ${seconds} s each, node ${process.version}\n`);
  console.log("| request | requests/s | p50 ms | p99 ms | vs unauthenticated |");
  console.log("| --- | ---: | ---: | ---: | ---: |");
  console.log(
    `| unauthenticated (no cookie: no I/O) | ${Math.round(anonymous.perSecond).toLocaleString("en")} | ${anonymous.p50.toFixed(2)} | ${anonymous.p99.toFixed(2)} | 100 % |`,
  );
  console.log(
    `| authenticated (unseal + one Redis read) | ${Math.round(authenticated.perSecond).toLocaleString("en")} | ${authenticated.p50.toFixed(2)} | ${authenticated.p99.toFixed(2)} | ${((authenticated.perSecond / anonymous.perSecond) * 100).toFixed(0)} % |`,
  );
} finally {
  agent.destroy();
  await web.stop();
  await redisServer.dispose();
  await postgres.stop();
}
