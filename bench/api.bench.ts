/**
 * An authenticated REST read, GET /api/v1/links/{id} with an API key (key
 * check from the Redis cache, per-key rate limit, last-used throttle, one
 * PostgreSQL read, output validation), answered by Hop's own server, against
 * the very same call through a Next route handler (/api/bench-next-v1, the
 * same procedure and key check), side by side in one web process of the
 * production build, at 50 concurrent keep-alive connections. Budget: >= 3x.
 * Each row's seconds are cut into --rounds slices taken in turn (see
 * side-by-side.ts), so a shared machine's changing load falls on all rows.
 *
 *   pnpm bench:api   (after pnpm build)   [--seconds 5] [--rounds 5] [--concurrency 50] [--profile <dir>] [--generator wrk|node]
 */
import { machineApiBenchOptions, startMachineApiWeb } from "./machine-api-web";
import { generatorDescription, measureSideBySide, sideBySideTable } from "./side-by-side";

const { seconds, concurrency, rounds, profileDir, generator } = machineApiBenchOptions();
const { web, onSlice, sharedCpuSeconds, stop } = await startMachineApiWeb({
  profileDir,
  env: {
    // A loaded machine (2 shared cores) can hold a Redis reply past the 500 ms default; refusals are counted either way.
    REDIS_COMMAND_TIMEOUT_MS: "2000",
  },
});
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

  const headers = { authorization: `Bearer ${key}` };
  const [hop, next, hopAgain] = await measureSideBySide(
    [
      { label: "Hop's own server (first of each round)", path: `/api/v1/links/${id}`, headers },
      { label: "Next route handler (baseline)", path: `/api/bench-next-v1/links/${id}`, headers },
      { label: "Hop's own server (last of each round)", path: `/api/v1/links/${id}`, headers },
    ],
    {
      baseUrl: web.url!,
      webPid: web.child.pid!,
      concurrency,
      seconds,
      rounds,
      generator,
      sharedCpuSeconds,
      onSlice,
    },
  );
  if (!hop || !next || !hopAgain) throw new Error("a row was not measured");
  // The verdict takes the slower of Hop's two rows (the same read, measured before and after the baseline in each round).
  const worst = hop.perSecond <= hopAgain.perSecond ? hop : hopAgain;
  console.log(
    `\nGET /api/v1/links/{id} with an API key, ${concurrency} keep-alive connections, ${seconds} s per row in ${rounds} slices taken in turn, node ${process.version}; ${generatorDescription(generator)}\n`,
  );
  console.log(sideBySideTable([next, hop, hopAgain], next));
  const ratio = worst.perSecond / next.perSecond;
  const cpuRatio = next.cpuMsPerRequest / Math.max(hop.cpuMsPerRequest, hopAgain.cpuMsPerRequest);
  console.log(
    `\nbudget >= 3x: ${ratio >= 3 ? "met" : "MISSED"} by throughput (${ratio.toFixed(2)}x), ${cpuRatio >= 3 ? "met" : "MISSED"} by CPU per request (${cpuRatio.toFixed(2)}x)`,
  );
} finally {
  await stop();
}
