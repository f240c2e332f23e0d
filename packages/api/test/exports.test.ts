import { gunzipSync } from "node:zlib";
import { createDatabase, type Database } from "@hop/db";
import { createRedisClient, type RedisClient } from "@hop/redis";
import { CleanupStack, createTestDatabase, startRedisServer } from "@hop/test-harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cleanUpExports, readExportFile, runExport } from "../src";
import { signedInCaller } from "./support/procedures";

// Export jobs (issue 17) against a real PostgreSQL and Redis: the file a run
// writes, chunk by chunk, equals the direct download's format; a run that was
// cut short or overtaken never leaves a mixed or half file marked READY;
// expiry and stalls are cleaned up; bad requests write nothing.
const cleanup = new CleanupStack();
let db: Database;
let redis: RedisClient;
let userId: string;
let caller: Awaited<ReturnType<typeof signedInCaller>>["caller"];
let linkIds: string[];
const clickCount = 3_000;
const deps = () => ({ db, redis: redis.redis, instanceId: "worker-exports-test", retentionHours: 24 });

beforeAll(async () => {
  try {
    const redisServer = await startRedisServer();
    cleanup.defer(() => redisServer.dispose());
    redis = createRedisClient({ REDIS_URL: redisServer.url });
    cleanup.defer(() => redis.close());
    db = createDatabase(await createTestDatabase());
    cleanup.defer(() => db.$disconnect());
    const user = await db.user.create({ data: { email: "exporter@example.com", passwordHash: "unused" } });
    userId = user.id;
    caller = (await signedInCaller({ db, redis: redis.redis }, user.id)).caller;
    const first = await caller.links.create({ url: "https://example.com/first", slug: "exp-first", title: '=Formula, "quoted"', tags: ["b", "a"] });
    const second = await caller.links.create({ url: "https://example.com/second", slug: "exp-second" });
    linkIds = [first.id, second.id];
    // Clicks of the last day, alternating between the two links, one in ten from Germany.
    await db.$executeRaw`
      INSERT INTO "Click" ("eventId", "linkId", "occurredAt", "isBot", "visitorHash", country, browser, trigger, "userAgent")
      SELECT 'e' || i, CASE WHEN i % 2 = 0 THEN ${first.id} ELSE ${second.id} END, (now() AT TIME ZONE 'UTC') - i * interval '10 seconds', false,
             'v' || i, CASE WHEN i % 10 = 0 THEN 'DE' ELSE 'US' END, 'Firefox', 'link', md5(i::text) || md5((i + 1)::text)
      FROM generate_series(1, ${clickCount}::int) AS i`;
  } catch (error) {
    await cleanup.run();
    throw error;
  }
});
afterAll(() => cleanup.run());

async function fileOf(exportId: string): Promise<string> {
  const row = await db.export.findUniqueOrThrow({ where: { id: exportId } });
  const parts: Uint8Array[] = [];
  for await (const part of readExportFile(db, { id: row.id, runId: row.runId ?? "", bytes: Number(row.bytes) })) parts.push(part);
  return gunzipSync(Buffer.concat(parts)).toString("utf8");
}

describe("export jobs", () => {
  it("write the links as CSV and JSON, tags and totals included, as the direct download has them", async () => {
    const csv = await caller.exports.create({ kind: "links", format: "csv" });
    expect(csv).toMatchObject({ status: "QUEUED", downloadUrl: null, fileName: expect.stringMatching(/^hop-links-\d{4}-\d{2}-\d{2}\.csv$/) });
    expect(await runExport(deps(), csv.id)).toMatchObject({ status: "READY", rows: 2 });
    const text = await fileOf(csv.id);
    const lines = text.split("\r\n");
    expect(lines[0]).toBe("id,slug,short_url,url,title,tags,total_clicks,created_at_utc,expires_at_utc");
    expect(lines).toHaveLength(4);
    expect(text).toContain(`exp-first,https://hop.example/exp-first,https://example.com/first,"'=Formula, ""quoted""",a|b,0,`);
    expect(await caller.exports.get({ id: csv.id })).toMatchObject({ status: "READY", rows: 2, downloadUrl: `/api/exports/${csv.id}/download` });

    const json = await caller.exports.create({ kind: "links", format: "json" });
    await runExport(deps(), json.id);
    const links = JSON.parse(await fileOf(json.id)) as Array<{ slug: string; tags: string[] }>;
    expect(links.map((link) => [link.slug, link.tags])).toEqual([
      ["exp-first", ["a", "b"]],
      ["exp-second", []],
    ]);
  });

  it("write the raw clicks of a period under the page's filters, a page at a time, each click once", async () => {
    const created = await caller.exports.create({
      kind: "clicks",
      query: { period: "7d", filters: [{ dimension: "country", op: "is", value: "DE" }] },
    });
    // Small pages: the file is written across many of them.
    expect(await runExport({ ...deps(), pageSize: 37 }, created.id)).toMatchObject({ status: "READY", rows: clickCount / 10 });
    const lines = (await fileOf(created.id)).trimEnd().split("\r\n");
    expect(lines[0]?.startsWith("occurred_at_utc,link_id,slug,country")).toBe(true);
    expect(lines).toHaveLength(clickCount / 10 + 1);
    expect(lines.slice(1).every((line) => line.split(",")[3] === "DE")).toBe(true);
    // Pages neither overlap nor skip: every click once.
    expect(new Set(lines.slice(1).map((line) => line.split(",")[0])).size).toBe(clickCount / 10);
  });

  it("start over after a killed run, and an overtaken run writes nothing that is read", async () => {
    const created = await caller.exports.create({ kind: "clicks", query: { period: "7d" } });
    // What a worker killed mid-export leaves: RUNNING under its run id, with a half file.
    await db.export.update({ where: { id: created.id }, data: { status: "RUNNING", runId: "dead-run" } });
    await db.exportChunk.create({ data: { exportId: created.id, runId: "dead-run", seq: 0, data: Buffer.from("half a file") } });
    // Two runs at once (a worker presumed dead that was not): exactly one file is READY, whole.
    const outcomes = await Promise.all([runExport({ ...deps(), chunkBytes: 4_096 }, created.id), runExport({ ...deps(), chunkBytes: 4_096 }, created.id)]);
    const ready = await db.export.findUniqueOrThrow({ where: { id: created.id } });
    expect(ready.status).toBe("READY");
    expect(outcomes.map((outcome) => outcome.status).filter((status) => status === "READY").length).toBeLessThanOrEqual(1);
    // Small chunks: the file is several ExportChunk rows, read back in order.
    expect(await db.exportChunk.count({ where: { exportId: created.id } })).toBeGreaterThan(1);
    const runs = await db.exportChunk.groupBy({ by: ["runId"], where: { exportId: created.id } });
    expect(runs.map((run) => run.runId)).toEqual([ready.runId]);
    expect((await fileOf(created.id)).trimEnd().split("\r\n")).toHaveLength(clickCount + 1);
    // A finished export is not run again by a late retry.
    expect(await runExport(deps(), created.id)).toMatchObject({ status: "READY", rows: 0 });
  });

  it("fail with the reason when the owner's procedures refuse, and never mark a half file READY", async () => {
    const created = await caller.exports.create({
      kind: "clicks",
      query: { period: "7d", filters: [{ dimension: "link", op: "is", value: linkIds[0] ?? "" }] },
    });
    await db.user.update({ where: { id: userId }, data: { deletionScheduledFor: new Date(Date.now() + 86_400_000) } });
    try {
      await expect(runExport(deps(), created.id)).rejects.toThrow(/scheduled for deletion/);
    } finally {
      await db.user.update({ where: { id: userId }, data: { deletionScheduledFor: null } });
    }
    expect(await caller.exports.get({ id: created.id })).toMatchObject({
      status: "FAILED",
      error: expect.stringMatching(/scheduled for deletion/),
      downloadUrl: null,
    });
    expect(await db.exportChunk.count({ where: { exportId: created.id } })).toBe(0);
  });

  it("refuse bad requests and a fourth unfinished export with a clear error, writing nothing", async () => {
    const before = await db.export.count();
    await expect(caller.exports.create({ kind: "clicks", query: { filters: [{ dimension: "link", op: "is", value: "not-mine" }] } })).rejects.toThrow();
    await expect(caller.exports.create({ kind: "links", format: "xml" as "csv" })).rejects.toThrow();
    expect(await db.export.count()).toBe(before);
    for (let index = 0; index < 3; index++) await caller.exports.create({ kind: "links" });
    await expect(caller.exports.create({ kind: "links" })).rejects.toThrow(/At most 3 exports/);
    expect(await db.export.count()).toBe(before + 3);
    expect(await db.$queryRaw<{ count: bigint }[]>`SELECT count(*) FROM graphile_worker.jobs WHERE task_identifier = 'exports.run'`).toEqual([
      { count: BigInt(before + 3) },
    ]);
    await db.export.updateMany({ where: { status: "QUEUED" }, data: { status: "FAILED" } });
  });

  it("are deleted with their file once expired, and a stalled one is failed", async () => {
    const done = await caller.exports.create({ kind: "links" });
    await runExport(deps(), done.id);
    const stalled = await caller.exports.create({ kind: "links" });
    await db.export.update({ where: { id: stalled.id }, data: { status: "RUNNING", runId: "gone", progressAt: new Date(Date.now() - 3_600_000) } });
    expect(await cleanUpExports(deps())).toMatchObject({ deleted: 0, stalled: 1 });
    expect(await caller.exports.get({ id: stalled.id })).toMatchObject({ status: "FAILED" });
    expect(await caller.exports.get({ id: done.id })).toMatchObject({ status: "READY" });

    await db.export.update({ where: { id: done.id }, data: { expiresAt: new Date(Date.now() - 1_000) } });
    expect(await cleanUpExports(deps())).toMatchObject({ deleted: 1 });
    await expect(caller.exports.get({ id: done.id })).rejects.toThrow(/No such export/);
    expect(await db.exportChunk.count({ where: { exportId: done.id } })).toBe(0);
    expect((await caller.exports.list()).some((row) => row.id === done.id)).toBe(false);
  });
});
