import { Dub } from "dub";
import { Conflict, Forbidden, NotFound, Unauthorized } from "dub/models/errors";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCluster, waitFor, type Cluster } from "../support/cluster";
import { allScopes, keyOwner } from "./keys";

// dub's official SDK, unchanged (it validates every response with its own
// zod models), against two Hop web instances with serverURL = <origin>/api/dub:
// written through one, read through the other.
let cluster: Cluster;
let key: string;
let readOnlyKey: string;

beforeAll(async () => {
  // One worker counts the visits through the click stream; the country comes from a CDN header, as behind Cloudflare.
  cluster = await startCluster({ web: 2, workers: 1, env: { CLICK_COUNTRY_HEADER: "cf-ipcountry", SHORT_LINK_BASE_URL: "https://hop.example" } });
  const owner = keyOwner(cluster, "dub-user@example.com");
  key = (await owner.create(allScopes)).key;
  readOnlyKey = (await owner.create(["links:read"])).key;
}, 180_000);
afterAll(async () => {
  await cluster?.stop();
});

const dub = (web: number, token = key) => new Dub({ token, serverURL: `${cluster.webs[web]!.url}/api/dub` });
/** Both instances serve short links on one origin, as behind a load balancer. */
const host = () => "hop.example";

describe("dub API through the dub SDK", () => {
  it("creates a link on one instance and gets it on the other, by id and by domain + key", async () => {
    const created = await dub(0).links.create({
      url: "https://example.com/dub",
      key: "dub-one",
      title: "Dub one",
      tagNames: ["docs", "dub"],
      expiresAt: "2031-05-01T10:00:00.000Z",
      utmSource: "newsletter",
    });
    expect(created).toMatchObject({
      key: "dub-one",
      url: "https://example.com/dub",
      title: "Dub one",
      expiresAt: "2031-05-01T10:00:00.000Z",
      utmSource: "newsletter",
    });
    expect(created.tags?.map((tag) => tag.name)).toEqual(["docs", "dub"]);
    expect(created.shortLink).toBe("https://hop.example/dub-one");
    // The worker's metadata fetch may have touched the link since (updatedAt); everything else is as created.
    const unchanged = { ...created, updatedAt: expect.any(String) };
    expect(await dub(1).links.get({ linkId: created.id })).toEqual(unchanged);
    expect(await dub(1).links.get({ domain: host(), key: "dub-one" })).toEqual(unchanged);
  });

  it("lists links with paging, search and a tag", async () => {
    for (const name of ["page-a", "page-b", "page-c"]) await dub(0).links.create({ url: `https://example.com/${name}`, key: name, tagNames: "paged" });
    const first = await dub(1).links.list({ tagNames: "paged", page: 1, pageSize: 2 });
    expect(first.result.map((link) => link.key)).toEqual(["page-c", "page-b"]);
    const second = await dub(1).links.list({ tagNames: "paged", page: 2, pageSize: 2 });
    expect(second.result.map((link) => link.key)).toEqual(["page-a"]);
    const searched = await dub(1).links.list({ search: "page-b" });
    expect(searched.result.map((link) => link.key)).toEqual(["page-b"]);
  });

  it("updates a link on one instance; the other sees it", async () => {
    const link = await dub(0).links.create({ url: "https://example.com/before" });
    const updated = await dub(1).links.update(link.id, { url: "https://example.com/after", title: "After", tagNames: ["updated"] });
    expect(updated).toMatchObject({ id: link.id, url: "https://example.com/after", title: "After" });
    expect(updated.tags?.map((tag) => tag.name)).toEqual(["updated"]);
    expect(await dub(0).links.get({ linkId: link.id })).toEqual({ ...updated, updatedAt: expect.any(String) });
  });

  it("upserts: the link to the same URL is updated, a new URL makes a new link", async () => {
    const first = await dub(0).links.upsert({ url: "https://example.com/upsert", title: "First" });
    const again = await dub(1).links.upsert({ url: "https://example.com/upsert", title: "Second" });
    expect(again.id).toBe(first.id);
    expect(again.title).toBe("Second");
    const other = await dub(1).links.upsert({ url: "https://example.com/upsert-other" });
    expect(other.id).not.toBe(first.id);
  });

  it("creates many, with each refused link in its place", async () => {
    await dub(0).links.create({ url: "https://example.com/bulk-taken", key: "bulk-taken" });
    const results = await dub(1).links.createMany([
      { url: "https://example.com/bulk-1", key: "bulk-1" },
      { url: "https://example.com/bulk-2", key: "bulk-taken" },
      { url: "https://example.com/bulk-3" },
    ]);
    expect(results).toHaveLength(3);
    expect(results[0]).toMatchObject({ key: "bulk-1" });
    // Hop's bulk create reports a taken slug as a bad request (the single create's 409 comes from the slug-taken cause, which a bulk failure does not carry).
    expect(results[1]).toMatchObject({ code: "bad_request", link: { key: "bulk-taken" } });
    expect(results[2]).toMatchObject({ url: "https://example.com/bulk-3" });
  });

  it("deletes a link: the other instance answers not found", async () => {
    const link = await dub(0).links.create({ url: "https://example.com/doomed" });
    expect(await dub(1).links.delete(link.id)).toEqual({ id: link.id });
    await expect(dub(0).links.get({ linkId: link.id })).rejects.toBeInstanceOf(NotFound);
  });

  it("creates (201), lists, updates and deletes tags with dub's colours", async () => {
    const tag = await dub(0).tags.create({ name: "colourful", color: "purple" });
    expect(tag).toMatchObject({ name: "colourful", color: "purple" });
    expect(await dub(1).tags.list()).toEqual(expect.arrayContaining([tag]));
    const renamed = await dub(1).tags.update(tag.id, { name: "renamed", color: "green" });
    expect(renamed).toEqual({ id: tag.id, name: "renamed", color: "green" });
    const link = await dub(0).links.create({ url: "https://example.com/with-tag-id", tagIds: [tag.id] });
    expect(link.tags).toEqual([renamed]);
    expect(await dub(0).tags.delete(tag.id)).toEqual({ id: tag.id });
    expect((await dub(1).tags.list()).map((each) => each.id)).not.toContain(tag.id);
    await expect(dub(1).tags.update(tag.id, { name: "ghost" })).rejects.toBeInstanceOf(NotFound);
  });

  it("answers errors with dub's codes: taken key, unknown id, bad key, revoked key, missing scope", async () => {
    await dub(0).links.create({ url: "https://example.com/taken", key: "dub-taken" });
    const taken = await dub(1)
      .links.create({ url: "https://example.com/again", key: "dub-taken" })
      .catch((error: unknown) => error);
    expect(taken).toBeInstanceOf(Conflict);
    expect((taken as Conflict).error.code).toBe("conflict");
    await expect(dub(0).links.get({ linkId: "no-such-link" })).rejects.toBeInstanceOf(NotFound);
    await expect(dub(0, "hop_not-a-real-key").links.list({})).rejects.toBeInstanceOf(Unauthorized);

    const owner = keyOwner(cluster, "dub-user@example.com");
    const doomed = await owner.create(["links:read"]);
    expect((await dub(1, doomed.key).links.list({})).result.length).toBeGreaterThan(0);
    await owner.revoke(doomed.id);
    await expect(dub(1, doomed.key).links.list({})).rejects.toBeInstanceOf(Unauthorized);

    const forbidden = await dub(1, readOnlyKey)
      .links.create({ url: "https://example.com/no-scope", key: "no-scope" })
      .catch((error: unknown) => error);
    expect(forbidden).toBeInstanceOf(Forbidden);
    await expect(dub(0).links.get({ domain: host(), key: "no-scope" })).rejects.toBeInstanceOf(NotFound);
  });

  it("retrieves analytics grouped as dub groups them: count, timeseries, countries, devices, browsers, os, referers, top_links", async () => {
    const link = await dub(0).links.create({ url: "https://example.com/counted", key: "dub-counted", tagNames: "counted" });
    const browser = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    const visit = (web: number, headers: Record<string, string>) =>
      fetch(`${cluster.webs[web]!.url}/dub-counted`, { redirect: "manual", headers }).then((response) => expect(response.status).toBe(302));
    await visit(0, { "user-agent": browser, referer: "https://news.example.org/post", "cf-ipcountry": "DE" });
    await visit(1, { "user-agent": browser, "cf-ipcountry": "DE" });
    await visit(1, { "user-agent": "Googlebot/2.1 (+http://www.google.com/bot.html)", "cf-ipcountry": "US" });

    const count = await waitFor(
      () => dub(1).analytics.retrieve({ linkId: link.id, groupBy: "count", interval: "24h" }),
      (result) => (result as { clicks: number }).clicks >= 2,
      20_000,
      200,
    );
    // Bots are kept out of dub's numbers, as out of every Hop count.
    expect(count).toEqual({ clicks: 2, leads: 0, sales: 0, saleAmount: 0 });
    const series = (await dub(0).analytics.retrieve({ linkId: link.id, groupBy: "timeseries", interval: "24h", timezone: "Asia/Kolkata" })) as Array<{
      clicks: number;
    }>;
    expect(series).toHaveLength(24);
    expect(series.reduce((sum, point) => sum + point.clicks, 0)).toBe(2);
    const byKey = async (groupBy: "countries" | "devices" | "browsers" | "os" | "referers") =>
      (await dub(0).analytics.retrieve({ key: "dub-counted", domain: host(), groupBy, interval: "7d" })) as Array<Record<string, unknown>>;
    expect(await byKey("countries")).toEqual([{ country: "DE", region: "*", city: "*", clicks: 2, leads: 0, sales: 0, saleAmount: 0 }]);
    expect((await byKey("browsers")).map(({ browser: name, clicks }) => ({ name, clicks }))).toEqual([{ name: "Chrome", clicks: 2 }]);
    expect((await byKey("os")).map(({ os, clicks }) => ({ os, clicks }))).toEqual([{ os: "Windows", clicks: 2 }]);
    expect((await byKey("devices")).reduce((sum, row) => sum + Number(row.clicks), 0)).toBe(2);
    expect((await byKey("referers")).map(({ referer, clicks }) => ({ referer, clicks }))).toEqual(
      expect.arrayContaining([
        { referer: "news.example.org", clicks: 1 },
        { referer: "(direct)", clicks: 1 },
      ]),
    );
    const top = (await dub(1).analytics.retrieve({ groupBy: "top_links", interval: "30d" })) as Array<{ id: string; key: string; clicks: number }>;
    expect(top[0]).toMatchObject({ id: link.id, key: "dub-counted", clicks: 2 });

    const linksOnly = (await keyOwner(cluster, "dub-user@example.com").create(["links:read"])).key;
    await expect(dub(0, linksOnly).analytics.retrieve({ groupBy: "count" })).rejects.toBeInstanceOf(Forbidden);
    await expect(dub(0).analytics.retrieve({ linkId: "no-such-link", groupBy: "count" })).rejects.toBeInstanceOf(NotFound);
  });
});
