import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createDatabase, type Database } from "@hop/db";
import { createRedisClient, type RedisClient } from "@hop/redis";
import { createTestDatabase, startRedisServer, type RedisServer } from "@hop/test-harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runImport } from "../src";

// An import from a server answering as Shlink's REST v3 does, with the visits of each short URL: they become clicks,
// counted through the click ingestion, once even when the run is repeated. Real PostgreSQL and Redis; a local fixture server.
let db: Database | undefined;
let redisServer: RedisServer | undefined;
let redis: RedisClient | undefined;
let shlink: Server | undefined;
let shlinkUrl = "";
const apiKey = "shlink-fixture-key";
let visitRequests = 0;

const shortUrls = [
  { shortCode: "alpha", longUrl: "https://alpha.example/", title: "Alpha", tags: ["imported"], dateCreated: "2024-03-01T10:00:00+00:00" },
  { shortCode: "beta", longUrl: "https://beta.example/", title: null, tags: [], dateCreated: "2024-03-02T10:00:00+00:00" },
];
// Alpha: 3 visits over two pages (itemsPerPage is ignored: the fixture pages by 2); beta: none.
const visits: Record<string, Array<Record<string, unknown>>> = {
  alpha: [
    {
      referer: "https://news.example/story",
      date: "2024-03-05T08:00:00+00:00",
      userAgent: "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0",
      visitLocation: { countryCode: "NL" },
      potentialBot: false,
    },
    {
      referer: "",
      date: "2024-03-05T09:30:00+00:00",
      userAgent: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1",
      visitLocation: null,
      potentialBot: false,
    },
    { referer: "https://search.example/", date: "2024-03-06T12:00:00+00:00", userAgent: "curl/8.0", visitLocation: { countryCode: "de" }, potentialBot: true },
  ],
  beta: [],
};

beforeAll(async () => {
  db = createDatabase(await createTestDatabase());
  redisServer = await startRedisServer();
  redis = createRedisClient({ REDIS_URL: redisServer.url });
  shlink = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://fixture");
    const json = (status: number, body: unknown) => response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    if (request.headers["x-api-key"] !== apiKey) return json(401, { type: "https://shlink.io/api/error/invalid-api-key", status: 401 });
    const page = Number(url.searchParams.get("page") ?? 1);
    if (url.pathname === "/rest/v3/short-urls") {
      return json(200, {
        shortUrls: { data: page === 1 ? shortUrls : [], pagination: { currentPage: page, pagesCount: 1, itemsPerPage: 100, totalItems: 2 } },
      });
    }
    const code = /^\/rest\/v3\/short-urls\/([^/]+)\/visits$/.exec(url.pathname)?.[1];
    const all = code ? visits[decodeURIComponent(code)] : undefined;
    if (!all) return json(404, { type: "https://shlink.io/api/error/short-url-not-found", status: 404 });
    visitRequests++;
    const pagesCount = Math.max(1, Math.ceil(all.length / 2));
    json(200, {
      visits: { data: all.slice((page - 1) * 2, page * 2), pagination: { currentPage: page, pagesCount, itemsPerPage: 2, totalItems: all.length } },
    });
  });
  await new Promise<void>((resolve) => shlink!.listen(0, "127.0.0.1", resolve));
  shlinkUrl = `http://127.0.0.1:${(shlink.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => (shlink ? shlink.close(resolve) : resolve(undefined)));
  await db?.$disconnect();
  await redis?.close();
  await redisServer?.dispose();
});

const fetchJson = async (url: string, headers: Record<string, string>) => {
  const response = await fetch(url, { headers });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response.json() as Promise<unknown>;
};

describe("an import from Shlink's REST v3 with visits", () => {
  it("creates the links, turns each visit into a dated click (referrer, user agent, country) in the rollups, once even when run again, and erases the key", async () => {
    const database = db!;
    const user = await database.user.create({ data: { email: "shlink-importer@example.com", passwordHash: "x" } });
    const created = await database.import.create({
      data: {
        userId: user.id,
        source: "api:shlink",
        options: {
          format: "shlink",
          mapping: { url: "url", slug: "slug", title: "title", tags: "tags", createdAt: "createdAt" },
          onSlugTaken: "rename",
          shortLinkBaseUrl: "https://hop.example",
          requestHost: null,
          api: { source: "shlink", baseUrl: shlinkUrl, apiKey },
        },
      },
    });
    const deps = { db: database, redis: redis!.redis, instanceId: "test-worker", fetchJson };
    expect(await runImport(deps, created.id)).toMatchObject({ status: "SUCCEEDED", created: 2, failed: 0 });

    const alpha = await database.link.findUniqueOrThrow({ where: { slug: "alpha" } });
    expect(alpha.totalClicks).toBe(2n); // the bot's visit is kept, flagged, and not in the total
    const clicks = await database.click.findMany({ where: { linkId: alpha.id }, orderBy: { occurredAt: "asc" } });
    expect(clicks.map((click) => [click.occurredAt.toISOString(), click.referrerHost, click.country, click.isBot])).toEqual([
      ["2024-03-05T08:00:00.000Z", "news.example", "NL", false],
      ["2024-03-05T09:30:00.000Z", null, null, false],
      ["2024-03-06T12:00:00.000Z", "search.example", "DE", true],
    ]);
    expect(clicks[0]?.browser).toBe("Firefox");
    const days = await database.linkDailyStat.findMany({
      where: { linkId: alpha.id },
      orderBy: { day: "asc" },
      select: { day: true, clicks: true, botClicks: true },
    });
    expect(days).toEqual([
      { day: new Date("2024-03-05T00:00:00Z"), clicks: 2, botClicks: 0 },
      { day: new Date("2024-03-06T00:00:00Z"), clicks: 0, botClicks: 1 },
    ]);
    // The imported links' metadata fetches wait behind jobs of default priority (an interactive link's, the next import's).
    const jobs = await database.$queryRaw<
      { priority: number }[]
    >`SELECT priority FROM graphile_worker._private_jobs WHERE key = ${`link.fetchMetadata:${alpha.id}`}`;
    expect(jobs).toEqual([{ priority: 10 }]);
    const beta = await database.link.findUniqueOrThrow({ where: { slug: "beta" } });
    expect(await database.click.count({ where: { linkId: beta.id } })).toBe(0);
    // The key is not kept once the visits are read.
    const done = await database.import.findUniqueOrThrow({ where: { id: created.id } });
    expect((done.options as { api?: { apiKey: unknown } }).api?.apiKey).toBeNull();

    // A run repeated after a crash (the key still there, every row recorded): the same visits are read and counted once.
    await database.import.update({
      where: { id: created.id },
      data: { status: "RUNNING", options: { ...(done.options as object), api: { source: "shlink", baseUrl: shlinkUrl, apiKey } } },
    });
    const requestsBefore = visitRequests;
    expect(await runImport(deps, created.id)).toMatchObject({ status: "SUCCEEDED", created: 2 });
    expect(visitRequests).toBeGreaterThan(requestsBefore);
    expect(await database.click.count({ where: { linkId: alpha.id } })).toBe(3);
    expect((await database.link.findUniqueOrThrow({ where: { id: alpha.id } })).totalClicks).toBe(2n);
    expect(await database.link.count({ where: { userId: user.id } })).toBe(2);
  });
});
