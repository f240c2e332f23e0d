import { createDatabase, type Database } from "@hop/db";
import type { HopProcess } from "@hop/test-harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCluster, waitFor, type Cluster } from "../support/cluster";
import { createCookieClient } from "../support/http-session";

/**
 * Export jobs (issue 17) on two webs and two workers: asked for on one web,
 * run by exactly one worker, downloaded from the other web by its owner only;
 * a worker SIGKILLed mid-export leaves it to the other, and the file served
 * is whole (never a half file marked READY).
 */
let cluster: Cluster | undefined;
let db: Database;
const email = "exports-owner@example.com";
let client: ReturnType<typeof createCookieClient>;
let linkId = "";
const clickCount = 100_000;

beforeAll(async () => {
  cluster = await startCluster({ web: 2, workers: 2 });
  db = createDatabase(cluster.env.DATABASE_URL ?? "");
  const started = cluster;
  client = createCookieClient(() => started.signIn(email));
  const link = await client.api(cluster.webs[0]!.url!).links.create.mutate({ url: "https://exported.example/", slug: "exported", tags: ["kept"] });
  linkId = link.id;
  // Clicks straight into PostgreSQL (the export reads raw rows): varied enough that the file is several chunks.
  await db.$executeRaw`
    INSERT INTO "Click" ("eventId", "linkId", "occurredAt", "isBot", "visitorHash", country, "userAgent", trigger)
    SELECT 'e' || i, ${link.id}, (now() AT TIME ZONE 'UTC') - i * interval '1 second', false, 'v' || i, 'NL', md5(i::text) || md5((i * 7)::text), 'link'
    FROM generate_series(1, ${clickCount}::int) AS i`;
}, 240_000);

afterAll(async () => {
  await db?.$disconnect();
  await cluster?.stop();
});

/** The lines of a worker's log about one export's runs ("export run ended" names the export). */
const exportRuns = (worker: HopProcess, exportId: string) => worker.logs.filter((line) => line.msg === "export run ended" && line.exportId === exportId);

/** The job-queue id of an export's job, while the queue holds it. */
async function jobIdOf(exportId: string): Promise<string | undefined> {
  const rows = await db.$queryRaw<{ id: bigint }[]>`SELECT id FROM graphile_worker.jobs WHERE key = ${`exports.run:${exportId}`}`;
  return rows[0]?.id.toString();
}

async function waitForExport(id: string, web: HopProcess, timeoutMs: number) {
  return waitFor(
    () => client.api(web.url!).exports.get.query({ id }),
    (state) => state.status === "READY" || state.status === "FAILED",
    timeoutMs,
    250,
  );
}

async function download(web: HopProcess, id: string, headers: Record<string, string> = {}) {
  return fetch(`${web.url}/api/exports/${id}/download`, { headers: { cookie: `hop_session=${client.cookie}`, ...headers } });
}

describe("export jobs across instances", () => {
  it("are run by exactly one worker and downloaded from any web by their owner only", async () => {
    const created = await client.api(cluster!.webs[0]!.url!).exports.create.mutate({ kind: "links", format: "json" });
    const done = await waitForExport(created.id, cluster!.webs[1]!, 60_000);
    expect(done).toMatchObject({ status: "READY", rows: 1, downloadUrl: `/api/exports/${created.id}/download` });
    // The worker logs the run once its export process has exited, a moment after that process marked the file READY.
    const ran = await waitFor(
      async () => cluster!.workers.flatMap((worker) => exportRuns(worker, created.id)),
      (runs) => runs.length > 0,
      10_000,
      50,
    );
    expect(ran).toHaveLength(1);

    const response = await download(cluster!.webs[1]!, created.id);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-disposition")).toBe(`attachment; filename="${done.fileName}"`);
    const links = (await response.json()) as Array<{ slug: string; tags: string[] }>;
    expect(links).toMatchObject([{ slug: "exported", tags: ["kept"] }]);

    // Another account: the same 404 as a missing export; signed out: 401.
    const other = createCookieClient(() => cluster!.signIn("someone-else@example.com"));
    await other.api(cluster!.webs[0]!.url!).auth.me.query();
    const foreign = await fetch(`${cluster!.webs[0]!.url}/api/exports/${created.id}/download`, { headers: { cookie: `hop_session=${other.cookie}` } });
    expect(foreign.status).toBe(404);
    expect((await fetch(`${cluster!.webs[0]!.url}/api/exports/${created.id}/download`)).status).toBe(401);
    expect((await download(cluster!.webs[0]!, "no-such-export")).status).toBe(404);
  }, 120_000);

  it("a worker SIGKILLed mid-export leaves it to the other; the file served is whole", async () => {
    const api = client.api(cluster!.webs[0]!.url!);
    const created = await api.exports.create.mutate({ kind: "clicks", query: { period: "7d", filters: [{ dimension: "link", op: "is", value: linkId }] } });
    // The worker that took it, once it is running.
    const jobId = await jobIdOf(created.id);
    const runner = await waitFor(
      async () => {
        const row = await db.export.findUniqueOrThrow({ where: { id: created.id }, select: { status: true } });
        if (row.status !== "RUNNING") return undefined;
        return cluster!.workers.find((worker) => worker.logs.some((line) => line.msg === "job started" && String(line.jobId) === jobId));
      },
      (worker) => worker !== undefined,
      60_000,
      20,
    );
    expect(runner).toBeDefined();
    await runner!.kill();
    const half = await db.export.findUniqueOrThrow({ where: { id: created.id } });
    expect(half.status).not.toBe("READY");

    const done = await waitForExport(created.id, cluster!.webs[1]!, 180_000);
    expect(done).toMatchObject({ status: "READY", rows: clickCount });
    const survivor = cluster!.workers.find((worker) => worker !== runner)!;
    expect(
      await waitFor(
        async () => exportRuns(survivor, created.id),
        (runs) => runs.length > 0,
        10_000,
        50,
      ),
    ).toHaveLength(1);
    const chunks = await db.exportChunk.groupBy({ by: ["runId"], where: { exportId: created.id }, _count: true });
    expect(chunks).toHaveLength(1);

    // Without gzip accepted, the file is decompressed on the way; with it, the stored bytes as they are (browsers save the CSV).
    const plain = await download(cluster!.webs[1]!, created.id, { "accept-encoding": "identity" });
    expect(plain.status).toBe(200);
    expect(plain.headers.get("content-encoding")).toBeNull();
    const text = await plain.text();
    const lines = text.trimEnd().split("\r\n");
    expect(lines[0]?.startsWith("occurred_at_utc,link_id,slug")).toBe(true);
    expect(lines).toHaveLength(clickCount + 1);
    expect(new Set(lines.slice(1).map((line) => line.split(",")[0])).size).toBe(clickCount);
    const compressed = await download(cluster!.webs[0]!, created.id, { "accept-encoding": "gzip" });
    expect(compressed.headers.get("content-encoding")).toBe("gzip");
    expect(compressed.headers.get("content-length")).toBe(String(done.bytes));
  }, 300_000);
});
