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
 * Each row's seconds are cut into --rounds slices taken in turn (see side-by-side.ts).
 *
 *   pnpm bench:compat   (after pnpm build)   [--seconds 5] [--rounds 5] [--concurrency 50] [--profile <dir>]
 */
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { migrateDatabase } from "@hop/db/migrate";
import { migrateJobQueue } from "@hop/jobs";
import { startHopProcess, startPostgresServer, startRedisServer } from "@hop/test-harness";
import { measureSideBySide, sideBySideTable } from "./side-by-side";

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== "--"),
  options: {
    seconds: { type: "string", default: "5" },
    rounds: { type: "string", default: "5" },
    concurrency: { type: "string", default: "50" },
    profile: { type: "string" },
  },
});
const seconds = Number(values.seconds);
const concurrency = Number(values.concurrency);
const rounds = Number(values.rounds);
// --profile <dir>: a CPU profile of the web process per measured slice (window-1, -2, ... in the order taken), for `pnpm bench:profile`.
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

  const [baseline, shlink, dub] = await measureSideBySide(
    [
      {
        label: "Next route handler: /api/bench-next-v1/links/{id} (Bearer key)",
        path: `/api/bench-next-v1/links/${link.id}`,
        headers: { authorization: `Bearer ${key}` },
      },
      { label: "Shlink: GET /rest/v3/short-urls/{code} (X-Api-Key)", path: "/rest/v3/short-urls/bench-link", headers: { "x-api-key": key } },
      {
        label: "dub: GET /api/dub/links/info?linkId= (Bearer key)",
        path: `/api/dub/links/info?linkId=${link.id}`,
        headers: { authorization: `Bearer ${key}` },
      },
    ],
    { baseUrl: web.url!, webPid: web.child.pid!, concurrency, seconds, rounds, onSlice: profileDir ? () => web.child.kill("SIGUSR2") : undefined },
  );
  if (!baseline || !shlink || !dub) throw new Error("a row was not measured");
  console.log(
    `\nOne link read, ${concurrency} keep-alive connections, ${seconds} s per row in ${rounds} slices taken in turn after 1 s warm-up each, node ${process.version}\n`,
  );
  console.log(sideBySideTable([baseline, shlink, dub], baseline));
} finally {
  await web.stop();
  await redisServer.dispose();
  await postgres.stop();
}
