import { ShlinkApiClient } from "@shlinkio/shlink-js-sdk";
import type { ShlinkApiClient as ShlinkApi } from "@shlinkio/shlink-js-sdk/api-contract";
import { FetchHttpClient } from "@shlinkio/shlink-js-sdk/fetch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCluster, waitFor, type Cluster } from "../support/cluster";
import { allScopes, keyOwner } from "./keys";

// Shlink's official JS client, unchanged, against two Hop web instances:
// what is written through one is read through the other, and every error
// arrives as Shlink's RFC 7807 problem with Shlink's type URI.
const shortLinkOrigin = "https://hop.example";
let cluster: Cluster;
let key: string;
let readOnlyKey: string;

beforeAll(async () => {
  // One worker: visits are counted as in production, through the click stream.
  // One short-link origin for both instances, as behind a load balancer.
  cluster = await startCluster({ web: 2, workers: 1, env: { SHORT_LINK_BASE_URL: shortLinkOrigin } });
  const owner = keyOwner(cluster, "shlink-user@example.com");
  key = (await owner.create(allScopes)).key;
  readOnlyKey = (await owner.create(["links:read"])).key;
}, 180_000);
afterAll(async () => {
  await cluster?.stop();
});

// Typed by the SDK's own contract (its class's declarations do not resolve under NodeNext: a directory import).
const client = (web: number, apiKey = key): ShlinkApi => new ShlinkApiClient(new FetchHttpClient(), { baseUrl: cluster.webs[web]!.url!, apiKey });

/** What the SDK throws: the problem document itself. */
async function problemOf(promise: Promise<unknown>): Promise<{ type: string; status: number; title: string; detail: string }> {
  try {
    await promise;
  } catch (problem) {
    return problem as { type: string; status: number; title: string; detail: string };
  }
  throw new Error("the call succeeded");
}

describe("Shlink REST API v3 through @shlinkio/shlink-js-sdk", () => {
  it("health names the Shlink version Hop implements, at /rest/v3/health and /rest/health", async () => {
    expect(await client(0).health()).toMatchObject({ status: "pass", version: "4.0.0" });
    const response = await fetch(`${cluster.webs[1]!.url}/rest/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: "pass", version: "4.0.0" });
  });

  it("creates a short URL with a custom slug, tags, title and validUntil on one instance and reads it on the other", async () => {
    const validUntil = "2031-05-01T10:00:00+00:00";
    const created = await client(0).createShortUrl({
      longUrl: "https://example.com/shlink",
      customSlug: "shlink-one",
      tags: ["docs", "shlink"],
      title: "Shlink one",
      validUntil,
    });
    expect(created).toMatchObject({
      shortCode: "shlink-one",
      longUrl: "https://example.com/shlink",
      tags: ["docs", "shlink"],
      title: "Shlink one",
      meta: { validUntil, validSince: null, maxVisits: null },
      visitsSummary: { total: 0, nonBots: 0, bots: 0 },
      domain: null,
    });
    expect(created.shortUrl).toBe(`${shortLinkOrigin}/shlink-one`);
    expect(await client(1).getShortUrl({ shortCode: "shlink-one" })).toEqual(created);
  });

  it("lists with pagination, search, a tag and an order", async () => {
    for (const slug of ["list-a", "list-b", "list-c"]) {
      await client(0).createShortUrl({ longUrl: `https://example.com/${slug}`, customSlug: slug, tags: ["listed"] });
    }
    const firstPage = await client(1).listShortUrls({ tags: ["listed"], itemsPerPage: 2, page: "1", orderBy: { field: "shortCode", dir: "ASC" } });
    expect(firstPage.data.map((url) => url.shortCode)).toEqual(["list-a", "list-b"]);
    expect(firstPage.pagination).toMatchObject({ currentPage: 1, pagesCount: 2, totalItems: 3 });
    const secondPage = await client(1).listShortUrls({ tags: ["listed"], itemsPerPage: 2, page: "2", orderBy: { field: "shortCode", dir: "ASC" } });
    expect(secondPage.data.map((url) => url.shortCode)).toEqual(["list-c"]);
    const searched = await client(0).listShortUrls({ searchTerm: "list-b" });
    expect(searched.data.map((url) => url.shortCode)).toEqual(["list-b"]);
    const newest = await client(0).listShortUrls({ orderBy: { field: "dateCreated", dir: "DESC" }, itemsPerPage: 1 });
    expect(newest.data[0]?.shortCode).toBe("list-c");
  });

  it("edits a short URL on one instance and the other sees the edit", async () => {
    await client(0).createShortUrl({ longUrl: "https://example.com/before", customSlug: "shlink-edit", validUntil: "2031-01-01T00:00:00+00:00" });
    const edited = await client(1).updateShortUrl(
      { shortCode: "shlink-edit" },
      { longUrl: "https://example.com/after", title: "After", tags: ["edited"], validUntil: null },
    );
    expect(edited).toMatchObject({ longUrl: "https://example.com/after", title: "After", tags: ["edited"], meta: { validUntil: null } });
    expect(await client(0).getShortUrl({ shortCode: "shlink-edit" })).toEqual(edited);
  });

  it("deletes a short URL: gone on the other instance, with Shlink's not-found problem", async () => {
    await client(0).createShortUrl({ longUrl: "https://example.com/doomed", customSlug: "shlink-doomed" });
    await client(1).deleteShortUrl({ shortCode: "shlink-doomed" });
    const problem = await problemOf(client(0).getShortUrl({ shortCode: "shlink-doomed" }));
    expect(problem).toMatchObject({ type: "https://shlink.io/api/error/short-url-not-found", status: 404, title: "Short URL not found" });
  });

  it("lists tags with stats, renames one and deletes one", async () => {
    await client(0).createShortUrl({ longUrl: "https://example.com/tagged", customSlug: "tagged-1", tags: ["old-name", "to-delete"] });
    expect(await client(1).listTags()).toEqual(expect.objectContaining({ data: expect.arrayContaining(["old-name", "to-delete"]) }));
    const stats = await client(1).tagsStats();
    expect(stats.data.find((tag) => tag.tag === "old-name")).toEqual({ tag: "old-name", shortUrlsCount: 1, visitsSummary: { total: 0, nonBots: 0, bots: 0 } });

    await client(0).editTag({ oldName: "old-name", newName: "new-name" });
    await client(1).deleteTags(["to-delete"]);
    expect((await client(1).getShortUrl({ shortCode: "tagged-1" })).tags).toEqual(["new-name"]);
    expect((await client(0).listTags()).data).not.toContain("to-delete");

    expect(await problemOf(client(0).editTag({ oldName: "no-such-tag", newName: "x" }))).toMatchObject({
      type: "https://shlink.io/api/error/tag-not-found",
      status: 404,
    });
    await client(0).createShortUrl({ longUrl: "https://example.com/tagged-2", tags: ["taken-name"] });
    expect(await problemOf(client(0).editTag({ oldName: "new-name", newName: "taken-name" }))).toMatchObject({
      type: "https://shlink.io/api/error/tag-conflict",
      status: 409,
    });
  });

  it("lists Hop's one domain as the default", async () => {
    const domains = await client(1).listDomains();
    expect(domains.data).toEqual([
      {
        domain: "hop.example",
        isDefault: true,
        redirects: { baseUrlRedirect: null, regular404Redirect: null, invalidShortUrlRedirect: null },
      },
    ]);
  });

  it("answers errors as Shlink does: taken slug, invalid data, unknown short code", async () => {
    await client(0).createShortUrl({ longUrl: "https://example.com/first", customSlug: "taken-slug" });
    expect(await problemOf(client(1).createShortUrl({ longUrl: "https://example.com/second", customSlug: "taken-slug" }))).toMatchObject({
      type: "https://shlink.io/api/error/non-unique-slug",
      status: 400,
      title: "Invalid custom slug",
    });
    expect(await problemOf(client(1).createShortUrl({ longUrl: "ftp://example.com/nope" }))).toMatchObject({
      type: "https://shlink.io/api/error/invalid-data",
      status: 400,
      invalidElements: ["url"],
    });
    expect(await problemOf(client(1).createShortUrl({ longUrl: "https://example.com/x", maxVisits: 10 }))).toMatchObject({
      type: "https://shlink.io/api/error/invalid-data",
    });
    expect(await problemOf(client(0).getShortUrl({ shortCode: "never-made" }))).toMatchObject({
      type: "https://shlink.io/api/error/short-url-not-found",
      status: 404,
    });
    expect((await client(0).getShortUrl({ shortCode: "taken-slug" })).longUrl).toBe("https://example.com/first");
  });

  it("refuses a bad key, a revoked key on the other instance at once, and a key without the scope", async () => {
    expect(await problemOf(client(0, "hop_not-a-real-key").listShortUrls())).toMatchObject({
      type: "https://shlink.io/api/error/invalid-api-key",
      status: 401,
    });
    const noKey = await fetch(`${cluster.webs[1]!.url}/rest/v3/short-urls`);
    expect(noKey.status).toBe(401);
    expect(noKey.headers.get("content-type")).toBe("application/problem+json");
    expect(await noKey.json()).toMatchObject({ type: "https://shlink.io/api/error/missing-authentication", status: 401 });
    const owner = keyOwner(cluster, "shlink-user@example.com");
    const doomed = await owner.create(["links:read"]);
    expect((await client(1, doomed.key).listShortUrls()).pagination.totalItems).toBeGreaterThan(0);
    await owner.revoke(doomed.id);
    expect(await problemOf(client(1, doomed.key).listShortUrls())).toMatchObject({ type: "https://shlink.io/api/error/invalid-api-key", status: 401 });

    const before = await client(0).listShortUrls({ itemsPerPage: 1 });
    expect(await problemOf(client(1, readOnlyKey).createShortUrl({ longUrl: "https://example.com/no-scope" }))).toMatchObject({ status: 403 });
    expect((await client(0).listShortUrls({ itemsPerPage: 1 })).pagination.totalItems).toBe(before.pagination.totalItems);
  });

  it("lets a browser app on another origin send X-Api-Key (preflight and answer)", async () => {
    const url = `${cluster.webs[0]!.url}/rest/v3/short-urls`;
    const preflight = await fetch(url, {
      method: "OPTIONS",
      headers: { origin: "https://app.shlink.io", "access-control-request-method": "POST", "access-control-request-headers": "x-api-key, content-type" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("*");
    expect(preflight.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("x-api-key");
    expect(preflight.headers.get("access-control-allow-methods")).toContain("PATCH");
    const answer = await fetch(url, { headers: { origin: "https://app.shlink.io", "x-api-key": key } });
    expect(answer.status).toBe(200);
    expect(answer.headers.get("access-control-allow-origin")).toBe("*");
  });

  it("pages through a short URL's raw visits (referer, date, user agent, bot flag) and the visits overview counts them", async () => {
    const created = await client(0).createShortUrl({ longUrl: "https://example.com/visited", customSlug: "shlink-visited" });
    const browser = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    const visit = (web: number, userAgent: string, referer?: string) =>
      fetch(created.shortUrl.replace(/^https?:\/\/[^/]+/, cluster.webs[web]!.url!), {
        redirect: "manual",
        headers: { "user-agent": userAgent, ...(referer && { referer }) },
      }).then((response) => expect(response.status).toBe(302));
    await visit(0, browser, "https://news.example.org/post");
    await visit(1, browser);
    await visit(0, "Googlebot/2.1 (+http://www.google.com/bot.html)");

    const all = await waitFor(
      () => client(1).getShortUrlVisits({ shortCode: "shlink-visited" }),
      (visits) => visits.data.length === 3,
      20_000,
      200,
    );
    expect(all.pagination).toMatchObject({ currentPage: 1, pagesCount: 1, totalItems: 3 });
    expect(all.data.filter((each) => each.potentialBot)).toHaveLength(1);
    const fromNews = all.data.find((each) => each.referer === "news.example.org");
    expect(fromNews).toMatchObject({ userAgent: browser, potentialBot: false });
    expect(Date.parse(fromNews?.date ?? "")).toBeGreaterThan(Date.now() - 120_000);

    const humans = await client(0).getShortUrlVisits({ shortCode: "shlink-visited" }, { excludeBots: true, itemsPerPage: 1, page: 2 });
    expect(humans.data).toHaveLength(1);
    expect(humans.pagination).toMatchObject({ currentPage: 2, pagesCount: 2, totalItems: 2 });
    expect(humans.data[0]?.potentialBot).toBe(false);

    const overview = await waitFor(
      () => client(0).getVisitsOverview(),
      (counts) => counts.nonOrphanVisits.total >= 3,
      20_000,
      200,
    );
    expect(overview.nonOrphanVisits).toEqual({ total: 3, nonBots: 2, bots: 1 });
    expect(overview.orphanVisits).toEqual({ total: 0, nonBots: 0, bots: 0 });
    expect(await problemOf(client(0, readOnlyKey).getVisitsOverview())).toMatchObject({ status: 403 });
    expect(await problemOf(client(0).getShortUrlVisits({ shortCode: "never-visited-nor-made" }))).toMatchObject({
      type: "https://shlink.io/api/error/short-url-not-found",
    });
  });
});
