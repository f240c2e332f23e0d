import { createServer, type Server } from "node:http";
import { createDatabase, type Database } from "@hop/db";
import { freePort } from "@hop/test-harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCluster, waitFor, type Cluster } from "../support/cluster";
import { createCookieClient } from "../support/http-session";

/**
 * Imports (issue 17) on two webs and a worker: files of each format written
 * here, previewed (nothing written), started on one web, watched on the other,
 * every row through links.create by the worker; imports from this cluster's
 * own Shlink REST v3 (another account's key) and from a local server
 * answering as Kutt's API v2; then a worker SIGKILLed in the middle of an
 * import and the import finished by another, each row once.
 */
let cluster: Cluster | undefined;
let db: Database;
const email = "importer@example.com";
let client: ReturnType<typeof createCookieClient>;

beforeAll(async () => {
  // Loopback allowed for the guarded fetch (tests only): the API imports read a web of this cluster and a local Kutt fixture.
  cluster = await startCluster({ web: 2, workers: 1, env: { METADATA_FETCH_ALLOW_LOOPBACK: "true" } });
  db = createDatabase(cluster.env.DATABASE_URL ?? "");
  const started = cluster;
  client = createCookieClient(() => started.signIn(email));
}, 240_000);

let kutt: Server | undefined;
let kuttUrl = "";
const kuttKey = "kutt-fixture-key";
/** 150 links, served 100 a page as Kutt's API v2 does (`skip`, `limit`, `total`), to the right key only. */
const kuttLinks = Array.from({ length: 150 }, (_, index) => ({
  id: `uuid-${index}`,
  address: `kutt-${index}`,
  target: `https://kutt-target.example/${index}`,
  description: index === 0 ? "The first Kutt link" : null,
  created_at: "2021-06-01T12:00:00.000Z",
  visit_count: index,
}));

beforeAll(async () => {
  const port = await freePort();
  kutt = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://fixture");
    if (url.pathname !== "/api/v2/links") return response.writeHead(404).end();
    if (request.headers["x-api-key"] !== kuttKey) return response.writeHead(401, { "content-type": "application/json" }).end('{"error":"Unauthorized"}');
    const skip = Number(url.searchParams.get("skip") ?? 0);
    const limit = Number(url.searchParams.get("limit") ?? 10);
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify({ limit, skip, total: kuttLinks.length, data: kuttLinks.slice(skip, skip + limit) }));
  });
  await new Promise<void>((resolve) => kutt!.listen(port, "127.0.0.1", resolve));
  kuttUrl = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  await new Promise((resolve) => (kutt ? kutt.close(resolve) : resolve(undefined)));
  await db?.$disconnect();
  await cluster?.stop();
});

const csv = (rows: string[][]) => rows.map((row) => row.map((cell) => (/[",\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell)).join(",")).join("\n");

async function waitForImport(id: string, timeoutMs: number) {
  const api = client.api(cluster!.webs[1]!.url!);
  return waitFor(
    () => api.imports.get.query({ id }),
    (state) => state.status !== "QUEUED" && state.status !== "RUNNING",
    timeoutMs,
    250,
  );
}

describe("CSV imports", () => {
  it("imports dub's, Shlink's and Bitly's exports through links.create, with the mapping step's outcomes first", async () => {
    const api = client.api(cluster!.webs[0]!.url!);
    // A slug someone else already has: renamed in one file, skipped in another.
    await api.links.create.mutate({ url: "https://taken.example/", slug: "taken-slug" });

    const dub = csv([
      ["link", "url", "createdAt", "tags", "title"],
      ["https://dub.sh/dub-one", "https://one.example/page", "2024-03-01T10:00:00.000Z", "news,tech", "One"],
      ["https://dub.sh/taken-slug", "https://two.example/", "", "", ""],
      ["https://dub.sh/dub-bad", "not a url", "", "", ""],
    ]);
    const preview = await api.imports.preview.mutate({ fileName: "dub.csv", content: dub, onSlugTaken: "rename" });
    expect(preview.format).toBe("dub");
    expect(preview.mapping).toEqual({ url: "url", slug: "link", title: "title", tags: "tags", createdAt: "createdAt" });
    expect(preview.total).toBe(3);
    expect(preview.rows.map((row) => row.outcome.action)).toEqual(["create", "rename", "invalid"]);
    expect(await db.link.count({ where: { slug: "dub-one" } })).toBe(0);

    const dubImport = await api.imports.start.mutate({ fileName: "dub.csv", content: dub, mapping: preview.mapping, onSlugTaken: "rename" });
    const dubDone = await waitForImport(dubImport.id, 60_000);
    expect(dubDone).toMatchObject({ status: "SUCCEEDED", totalRows: 3, createdRows: 2, failedRows: 1, skippedRows: 0 });
    const one = await db.link.findUniqueOrThrow({ where: { slug: "dub-one" }, include: { tags: { include: { tag: true } } } });
    expect(one).toMatchObject({ url: "https://one.example/page", title: "One" });
    expect(one.createdAt.toISOString()).toBe("2024-03-01T10:00:00.000Z");
    expect(one.tags.map((tag) => tag.tag.name).sort()).toEqual(["news", "tech"]);
    expect(await db.link.count({ where: { url: "https://two.example/" } })).toBe(1);
    const failed = await api.imports.failedRowsCsv.query({ id: dubImport.id });
    expect(failed.fileName).toBe("dub-failed.csv");
    expect(failed.csv.split("\n")[0]).toBe("link,url,createdAt,tags,title,reason");
    expect(failed.csv).toContain("https://dub.sh/dub-bad,not a url");

    const shlink = csv([
      ["Long URL", "Short code", "Domain", "Title", "Tags", "Created at"],
      ["https://shlink-one.example/", "sh-one", "s.example", "Shlink one", "a|b", "2023-05-01T00:00:00+00:00"],
      ["https://shlink-two.example/", "taken-slug", "", "", "", ""],
    ]);
    const shlinkPreview = await api.imports.preview.mutate({ fileName: "shlink.csv", content: shlink, onSlugTaken: "skip" });
    expect(shlinkPreview.format).toBe("shlink");
    expect(shlinkPreview.rows.map((row) => row.outcome.action)).toEqual(["create", "skip"]);
    const shlinkImport = await api.imports.start.mutate({ fileName: "shlink.csv", content: shlink, mapping: shlinkPreview.mapping, onSlugTaken: "skip" });
    expect(await waitForImport(shlinkImport.id, 60_000)).toMatchObject({ status: "SUCCEEDED", createdRows: 1, failedRows: 0, skippedRows: 1 });
    const shOne = await db.link.findUniqueOrThrow({ where: { slug: "sh-one" }, include: { tags: { include: { tag: true } } } });
    expect(shOne.tags.map((tag) => tag.tag.name).sort()).toEqual(["a", "b"]);
    expect(await db.link.count({ where: { url: "https://shlink-two.example/" } })).toBe(0);

    const bitly = csv([
      ["link", "long_url", "title", "created_at", "tags"],
      ["https://bit.ly/bit-one", "https://bitly-one.example/", "Bitly one", "2022-01-02 03:04:05", "x"],
      ["https://bit.ly/3xYz", "https://bitly-two.example/", "", "", ""],
    ]);
    const bitlyPreview = await api.imports.preview.mutate({ fileName: "bitly.csv", content: bitly });
    expect(bitlyPreview.format).toBe("bitly");
    expect(bitlyPreview.mapping.url).toBe("long_url");
    const bitlyImport = await api.imports.start.mutate({ fileName: "bitly.csv", content: bitly, mapping: bitlyPreview.mapping, onSlugTaken: "rename" });
    expect(await waitForImport(bitlyImport.id, 60_000)).toMatchObject({ status: "SUCCEEDED", createdRows: 2, failedRows: 0 });
    expect(await db.link.findUnique({ where: { slug: "bit-one" } })).toMatchObject({ url: "https://bitly-one.example/", title: "Bitly one" });
    expect(await db.link.findUnique({ where: { slug: "3xYz" } })).toMatchObject({ url: "https://bitly-two.example/" });
  }, 240_000);

  it("refuses bad input with a clear error and writes nothing", async () => {
    const api = client.api(cluster!.webs[0]!.url!);
    const before = await db.import.count();
    await expect(
      api.imports.start.mutate({ fileName: "x.csv", content: "url\n", mapping: { url: "url", slug: null, title: null, tags: null, createdAt: null } }),
    ).rejects.toThrow(/no rows/);
    await expect(
      api.imports.start.mutate({
        fileName: "x.csv",
        content: "url\nhttps://a.example/",
        mapping: { url: "nope", slug: null, title: null, tags: null, createdAt: null },
      }),
    ).rejects.toThrow(/no column "nope"/);
    await expect(client.api(cluster!.webs[0]!.url!).imports.get.query({ id: "missing" })).rejects.toThrow(/No such import/);
    expect(await db.import.count()).toBe(before);
  });

  it("imports from a running Hop's Shlink REST v3 with another account's key", async () => {
    const other = createCookieClient(() => cluster!.signIn("elsewhere@example.com"));
    const otherApi = other.api(cluster!.webs[0]!.url!);
    for (const index of [1, 2, 3]) {
      await otherApi.links.create.mutate({
        url: `https://from-shlink.example/${index}`,
        slug: `elsewhere-${index}`,
        title: `Elsewhere ${index}`,
        tags: ["moved", `n${index}`],
      });
    }
    const { key } = await otherApi.apiKeys.create.mutate({ name: "export to another account", scopes: ["links:read"] });
    const api = client.api(cluster!.webs[1]!.url!);
    // The same instance: every slug is taken (by the other account), so each link is created with a generated one.
    const started = await api.imports.startFromApi.mutate({ source: "shlink", baseUrl: cluster!.webs[0]!.url!, apiKey: key, onSlugTaken: "rename" });
    const finished = await waitForImport(started.id, 90_000);
    expect(finished).toMatchObject({ status: "SUCCEEDED", totalRows: 3, createdRows: 3, failedRows: 0 });
    // The key reads links only (no analytics:read): the visits are said to be unreadable, the links are imported.
    expect(finished.error).toMatch(/^The links were imported; their visits could not be read: /);
    const me = await db.user.findUniqueOrThrow({ where: { email } });
    const mine = await db.link.findMany({
      where: { userId: me.id, url: { startsWith: "https://from-shlink.example/" } },
      include: { tags: { include: { tag: true } } },
      orderBy: { url: "asc" },
    });
    expect(mine.map((link) => [link.url, link.title, link.tags.map((tag) => tag.tag.name).sort()])).toEqual([
      ["https://from-shlink.example/1", "Elsewhere 1", ["moved", "n1"]],
      ["https://from-shlink.example/2", "Elsewhere 2", ["moved", "n2"]],
      ["https://from-shlink.example/3", "Elsewhere 3", ["moved", "n3"]],
    ]);
    expect(mine.every((link) => !link.slug.startsWith("elsewhere-"))).toBe(true);
    // The key is not kept once the links are read.
    const kept = await db.import.findUniqueOrThrow({ where: { id: started.id } });
    expect(JSON.stringify(kept.options)).not.toContain(key);
  }, 180_000);

  it("imports from a server answering as Kutt's API v2 (paged), and says why when the key is refused or the address is not public", async () => {
    const api = client.api(cluster!.webs[0]!.url!);
    const started = await api.imports.startFromApi.mutate({ source: "kutt", baseUrl: kuttUrl, apiKey: kuttKey });
    expect(await waitForImport(started.id, 120_000)).toMatchObject({ status: "SUCCEEDED", totalRows: 150, createdRows: 150, failedRows: 0 });
    expect(await db.link.findUnique({ where: { slug: "kutt-0" } })).toMatchObject({ url: "https://kutt-target.example/0", title: "The first Kutt link" });
    expect(await db.link.count({ where: { url: { startsWith: "https://kutt-target.example/" } } })).toBe(150);

    const refused = await api.imports.startFromApi.mutate({ source: "kutt", baseUrl: kuttUrl, apiKey: "wrong" });
    expect(await waitForImport(refused.id, 60_000)).toMatchObject({ status: "FAILED", error: "The server answered HTTP 401", createdRows: 0 });
    const privateAddress = await api.imports.startFromApi.mutate({ source: "shlink", baseUrl: "http://10.0.0.1", apiKey: "any" });
    expect(await waitForImport(privateAddress.id, 60_000)).toMatchObject({ status: "FAILED", error: expect.stringMatching(/not a public one/) });
  }, 240_000);

  it("a worker SIGKILLed mid-import: another finishes it and every row creates exactly one link; progress is pushed on another instance", async () => {
    const api = client.api(cluster!.webs[0]!.url!);
    // Progress on the other web (started on web 0): server-sent events from Redis pub/sub, before and after the kill.
    expect((await fetch(`${cluster!.webs[1]!.url}/api/imports/events`)).status).toBe(401);
    await api.auth.me.query();
    const events = new AbortController();
    const pushed: Array<{ importId: string; createdRows: number; status: string }> = [];
    const stream = await fetch(`${cluster!.webs[1]!.url}/api/imports/events`, { headers: { cookie: `hop_session=${client.cookie}` }, signal: events.signal });
    expect(stream.headers.get("content-type")).toContain("text/event-stream");
    const reading = (async () => {
      const decoder = new TextDecoder();
      let buffer = "";
      for await (const chunk of stream.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        for (let end = buffer.indexOf("\n\n"); end !== -1; end = buffer.indexOf("\n\n")) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = /^event: progress\ndata: (.*)$/m.exec(block)?.[1];
          if (data) pushed.push(JSON.parse(data));
        }
      }
    })().catch(() => undefined);
    // Enough rows that the kill lands mid-import at the batch path's speed (thousands of rows a second on a quiet machine).
    const rows = 5_000;
    const content = csv([["url", "key"], ...Array.from({ length: rows }, (_, index) => [`https://kill.example/${index}`, `kill-${index}`])]);
    const started = await api.imports.start.mutate({
      fileName: "kill.csv",
      content,
      mapping: { url: "url", slug: "key", title: null, tags: null, createdAt: null },
      onSlugTaken: "skip",
    });
    await waitFor(
      () => db.importRow.count({ where: { importId: started.id } }),
      (handled) => handled >= 100,
      120_000,
      50,
    );
    const doomed = cluster!.workers[0]!;
    await doomed.kill();
    const atKill = await db.importRow.count({ where: { importId: started.id } });
    expect(atKill).toBeLessThan(rows);
    await cluster!.addWorker();
    const done = await waitForImport(started.id, 240_000);
    expect(done).toMatchObject({ status: "SUCCEEDED", totalRows: rows, createdRows: rows, failedRows: 0, skippedRows: 0 });
    const links = await db.link.findMany({ where: { url: { startsWith: "https://kill.example/" } }, select: { url: true, slug: true } });
    expect(links).toHaveLength(rows);
    expect(new Set(links.map((link) => link.url)).size).toBe(rows);
    expect(links.every((link) => link.slug === `kill-${link.url.split("/").at(-1)}`)).toBe(true);
    expect(await db.importRow.count({ where: { importId: started.id, linkId: { not: null } } })).toBe(rows);

    const mine = pushed.filter((event) => event.importId === started.id);
    events.abort();
    await reading;
    expect(mine.some((event) => event.createdRows > 0 && event.createdRows < rows)).toBe(true);
    expect(mine.at(-1)).toMatchObject({ status: "SUCCEEDED", createdRows: rows });
  }, 420_000);
});
