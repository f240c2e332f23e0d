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
 *   pnpm bench:compat   (after pnpm build)   [--seconds 5] [--rounds 5] [--concurrency 50] [--profile <dir>] [--generator wrk|node]
 */
import { machineApiBenchOptions, startMachineApiWeb } from "./machine-api-web";
import { generatorDescription, measureSideBySide, sideBySideTable } from "./side-by-side";

const { seconds, concurrency, rounds, profileDir, generator } = machineApiBenchOptions();
const { web, onSlice, sharedCpuSeconds, stop } = await startMachineApiWeb({ profileDir });
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
    { baseUrl: web.url!, webPid: web.child.pid!, concurrency, seconds, rounds, generator, sharedCpuSeconds, onSlice },
  );
  if (!baseline || !shlink || !dub) throw new Error("a row was not measured");
  console.log(
    `\nOne link read, ${concurrency} keep-alive connections, ${seconds} s per row in ${rounds} slices taken in turn after 1 s warm-up each, node ${process.version}; ${generatorDescription(generator)}\n`,
  );
  console.log(sideBySideTable([baseline, shlink, dub], baseline));
} finally {
  await stop();
}
