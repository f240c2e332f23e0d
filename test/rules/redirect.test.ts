import { clickEventFromStreamFields, visitorHash } from "@hop/clicks";
import { createDatabase, type Database } from "@hop/db";
import { linkLookupScriptSha } from "@hop/links";
import { redisKeys } from "@hop/redis";
import { Redis as IORedis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCookieClient } from "../support/http-session";
import { clusterVisitorHashSecret, startCluster, waitFor, type Cluster } from "../support/cluster";

// Rule: any web instance answers any short link, and a write through one
// instance is what every instance answers on the very next request.
let cluster: Cluster;
let db: Database;
let raw: IORedis;
const owner = createCookieClient();

beforeAll(async () => {
  cluster = await startCluster({ web: 3, workers: 0 });
  db = createDatabase(cluster.env.DATABASE_URL!);
  raw = new IORedis(cluster.redisServer.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  await owner.api(cluster.webs[0]!.url!).auth.signUp.mutate({ email: "owner@example.com", password: "correct horse battery" });
}, 120_000);
afterAll(async () => {
  raw.disconnect();
  await db?.$disconnect();
  await cluster?.stop();
});

const webUrl = (index: number) => cluster.webs[index]!.url!;

/** One visit, not following the redirect. */
async function visit(index: number, slug: string, init: RequestInit = {}) {
  const response = await fetch(`${webUrl(index)}/${slug}`, { redirect: "manual", ...init });
  return {
    status: response.status,
    location: response.headers.get("location"),
    cacheControl: response.headers.get("cache-control"),
    body: await response.text(),
    headers: response.headers,
  };
}

async function streamEvents() {
  if (raw.status !== "ready") await raw.connect();
  const entries = await raw.xrange(redisKeys.clickStream(), "-", "+");
  return entries.map(([, fields]) => {
    const record: Record<string, string> = {};
    for (let i = 0; i < fields.length; i += 2) record[fields[i]!] = fields[i + 1]!;
    return clickEventFromStreamFields(record);
  });
}

describe("the redirect across instances", () => {
  it("finds its script in Redis at the first visit: each instance loads it at start, before it listens", async () => {
    if (raw.status !== "ready") await raw.connect();
    // Nothing has visited a short link yet (the owner only signed up).
    expect(await raw.xlen(redisKeys.clickStream())).toBe(0);
    expect(await raw.script("EXISTS", linkLookupScriptSha)).toEqual([1]);
  });

  it("created on web 1, followed on web 2 and 3; edited on web 2, web 1 sends to the new target at once; deleted, 404 everywhere", async () => {
    const link = await owner.api(webUrl(0)).links.create.mutate({ url: "https://example.com/first", slug: "roam" });
    for (const index of [1, 2]) {
      expect(await visit(index, "roam")).toMatchObject({ status: 302, location: "https://example.com/first", cacheControl: "private, max-age=0" });
    }
    // Web 1 has the old target cached in Redis by now; the edit must replace it.
    expect((await visit(0, "roam")).location).toBe("https://example.com/first");
    await owner.api(webUrl(1)).links.update.mutate({ id: link.id, url: "https://example.org/second", redirectStatus: 307 });
    expect(await visit(0, "roam")).toMatchObject({ status: 307, location: "https://example.org/second" });

    await owner.api(webUrl(2)).links.update.mutate({ id: link.id, slug: "roam-2" });
    expect((await visit(0, "roam")).status).toBe(404);
    expect((await visit(1, "roam-2")).location).toBe("https://example.org/second");

    await owner.api(webUrl(1)).links.delete.mutate({ id: link.id });
    for (const index of [0, 1, 2]) {
      const answer = await visit(index, "roam-2");
      expect(answer.status).toBe(404);
      expect(answer.body).toContain("This short link does not exist");
    }
  });

  it("records each GET (not HEAD) as a click on the stream, with referrer, user agent and the address only for the worker (country, visitor hash)", async () => {
    const link = await owner.api(webUrl(0)).links.create.mutate({ url: "https://example.com/counted", slug: "counted" });
    await raw.connect().catch(() => undefined);
    await raw.del(redisKeys.clickStream());
    const head = await fetch(`${webUrl(1)}/counted`, { method: "HEAD", redirect: "manual" });
    expect(head.status).toBe(302);
    expect(head.headers.get("location")).toBe("https://example.com/counted");
    const headers = { "user-agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0", referer: "https://news.example/post/1" };
    await visit(0, "counted", { headers });
    await visit(1, "counted", { headers });
    await visit(2, "counted", { headers: { "user-agent": "curl/8.0" } });
    const events = await streamEvents();
    expect(events).toHaveLength(3);
    expect(new Set(events.map((event) => event.eventId)).size).toBe(3);
    expect(events[0]).toMatchObject({ linkId: link.id, referrer: "https://news.example/post/1", userAgent: headers["user-agent"] });
    // The redirect leaves the visitor hash to ingestion (one HMAC less per visit): the entries carry what it needs.
    expect(events.map((event) => event.visitorHash)).toEqual([null, null, null]);
    const hashOf = (event: (typeof events)[number]) => visitorHash(clusterVisitorHashSecret, event.ip ?? "", event.userAgent, event.occurredAt);
    // Same visitor (address + browser) on two instances: one hash; another browser: another.
    expect(hashOf(events[0]!)).toBe(hashOf(events[1]!));
    expect(hashOf(events[2]!)).not.toBe(hashOf(events[0]!));
    // The address rides the stream only until the worker has read the country from it (the stream is trimmed once
    // acknowledged; packages/clicks/test/dimensions.test.ts proves no Click column holds it).
    expect(events.map((event) => event.ip)).toEqual(["127.0.0.1", "127.0.0.1", "127.0.0.1"]);
  });

  it("answers unknown slugs with a friendly 404 and reserved paths stay Next's", async () => {
    const answer = await visit(1, "no-such-link");
    expect(answer.status).toBe(404);
    expect(answer.headers.get("content-type")).toMatch(/text\/html/);
    expect(answer.body).toContain("/no-such-link");
    const system = await fetch(`${webUrl(0)}/system`, { redirect: "manual" });
    expect(system.status).toBe(307);
    expect(system.headers.get("location")).toMatch(/\/signin\?next=%2Fsystem$/);
  });

  it("locks a password link on every instance until unlocked; the unlock is a sealed per-link cookie that a new password revokes", async () => {
    const link = await owner.api(webUrl(0)).links.create.mutate({ url: "https://example.com/secret", slug: "vault", password: "open sesame" });
    for (const index of [0, 1, 2]) {
      const locked = await visit(index, "vault");
      expect(locked.status).toBe(401);
      expect(locked.body).toContain('name="password"');
    }
    const wrong = await visit(1, "vault", { method: "POST", body: new URLSearchParams({ password: "guess" }) });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toContain("That password is not right");
    const unlocked = await visit(1, "vault", { method: "POST", body: new URLSearchParams({ password: "open sesame" }) });
    expect(unlocked).toMatchObject({ status: 303, location: "/vault" });
    const setCookies = unlocked.headers.getSetCookie();
    const setCookie = setCookies.find((candidate) => candidate.startsWith(`hop_unlock_${link.id}=`)) ?? "";
    expect(setCookie).toMatch(new RegExp(`^hop_unlock_${link.id}=[^;]+; Max-Age=3600; Path=/vault; HttpOnly; SameSite=Lax$`));
    // Beside it, the visitor's original referrer for the next visit's click (sealed, a minute, this link's path only).
    expect(setCookies.filter((candidate) => candidate !== setCookie)).toEqual([
      expect.stringMatching(new RegExp(`^hop_unlock_ref_${link.id}=[^;]+; Max-Age=60; Path=/vault; HttpOnly; SameSite=Lax$`)),
    ]);
    expect(setCookies.join("\n")).not.toContain("open sesame");
    const cookie = setCookie.split(";")[0]!;
    for (const index of [0, 2]) {
      expect(await visit(index, "vault", { headers: { cookie } })).toMatchObject({ status: 302, location: "https://example.com/secret" });
    }
    expect((await visit(0, "vault", { headers: { cookie: `hop_unlock_${link.id}=forged` } })).status).toBe(401);
    await owner.api(webUrl(2)).links.update.mutate({ id: link.id, password: "a new one" });
    expect((await visit(0, "vault", { headers: { cookie } })).status).toBe(401);
  });

  it("expires on every instance at the same moment: to the fallback URL, or a 410 page", async () => {
    const api = owner.api(webUrl(0));
    const expiresAt = new Date(Date.now() + 1_500);
    const withFallback = await api.links.create.mutate({
      url: "https://example.com/sale",
      slug: "sale",
      expiresAt,
      expiredUrl: "https://example.com/sale-over",
    });
    const withoutFallback = await api.links.create.mutate({ url: "https://example.com/event", slug: "event", expiresAt });
    expect((await visit(1, "sale")).location).toBe("https://example.com/sale");
    await waitFor(
      () => visit(2, "sale"),
      (answer) => answer.location === "https://example.com/sale-over",
      5_000,
    );
    for (const index of [0, 1, 2]) {
      expect(await visit(index, "sale")).toMatchObject({ status: 302, location: "https://example.com/sale-over" });
      const expired = await visit(index, "event");
      expect(expired.status).toBe(410);
      expect(expired.body).toContain("This link has expired");
    }
    expect(withFallback.id).not.toBe(withoutFallback.id);
  });

  it("keeps redirecting while Redis is down, and the clicks land in PostgreSQL", async () => {
    const cached = await owner.api(webUrl(0)).links.create.mutate({ url: "https://example.com/cached", slug: "sturdy" });
    await visit(1, "sturdy");
    const uncached = await db.link.create({ data: { slug: "straight-from-pg", url: "https://example.com/pg", userId: (await db.user.findFirstOrThrow()).id } });
    await cluster.redisServer.stop();
    try {
      for (const index of [0, 1, 2]) {
        expect(await visit(index, "sturdy")).toMatchObject({ status: 302, location: "https://example.com/cached" });
        expect(await visit(index, "straight-from-pg")).toMatchObject({ status: 302, location: "https://example.com/pg" });
      }
      expect((await visit(0, "nothing-here")).status).toBe(404);
      expect(await db.click.count({ where: { linkId: cached.id } })).toBe(3);
      expect(await db.click.count({ where: { linkId: uncached.id } })).toBe(3);
    } finally {
      await cluster.redisServer.start();
    }
    await waitFor(
      () => visit(2, "sturdy"),
      (answer) => answer.status === 302,
      10_000,
    );
  });
});
