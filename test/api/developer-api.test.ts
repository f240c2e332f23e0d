import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createHash } from "node:crypto";
import { createHopClient, retryingFetch, TRPCClientError } from "@hop/client";
import { createDatabase } from "@hop/db";
import { Validator } from "@seriousme/openapi-schema-validator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCluster, type Cluster } from "../support/cluster";
import { createCookieClient } from "../support/http-session";

/**
 * Hop's developer platform on two web instances of the production build:
 * API keys made through one instance work, and once revoked are refused, on
 * the other at once; the REST API at /api/v1 (every operation of its OpenAPI
 * document called, the document checked by an OpenAPI 3.1 validator); scopes,
 * per-key rate limits; and @hop/client against both instances.
 */
const rateLimitPerMinute = 40;
let cluster: Cluster;
let db: ReturnType<typeof createDatabase>;
const owner = createCookieClient(() => cluster.signIn("api-owner@example.com"));
const webUrl = (index: number) => cluster.webs[index]!.url!;
const allScopes = ["links:read", "links:write", "analytics:read"] as const;

beforeAll(async () => {
  cluster = await startCluster({ web: 2, workers: 0, env: { API_KEY_RATE_LIMIT_PER_MINUTE: String(rateLimitPerMinute) } });
  db = createDatabase(cluster.env.DATABASE_URL!);
}, 120_000);
afterAll(async () => {
  await db?.$disconnect();
  await cluster?.stop();
});

async function newKey(scopes: readonly (typeof allScopes)[number][] = allScopes, web = 0) {
  return owner.api(webUrl(web)).apiKeys.create.mutate({ name: `test key ${scopes.join(" ")}`, scopes: [...scopes] });
}

interface Answer {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: a JSON answer, read field by field by the expectations.
  body: any;
}

/** Every `METHOD /template` the tests called, to compare with the document's operations. */
const called = new Set<string>();

async function rest(
  web: number,
  method: string,
  template: string,
  options: { key?: string; params?: Record<string, string>; query?: string; body?: unknown } = {},
): Promise<Answer> {
  const path = template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(options.params?.[name] ?? ""));
  const response = await fetch(`${webUrl(web)}/api/v1${path}${options.query ? `?${options.query}` : ""}`, {
    method,
    headers: {
      ...(options.key ? { authorization: `Bearer ${options.key}` } : {}),
      ...(options.body !== undefined ? { "content-type": "application/json; charset=utf-8" } : {}),
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  if (response.status < 300) called.add(`${method} ${template}`);
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

describe("API keys", () => {
  it("are shown once, stored as a SHA-256, listed by their first characters, and last-used is written at most once a minute", async () => {
    const created = await newKey(["links:read"]);
    expect(created.key).toMatch(/^hop_[A-Za-z0-9_-]{43}$/);
    expect(created.scopes).toEqual(["links:read"]);
    const row = await db.apiToken.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.tokenHash).toBe(createHash("sha256").update(created.key).digest("hex"));
    expect(JSON.stringify(row)).not.toContain(created.key.slice(4));
    expect(row.lastUsedAt).toBeNull();

    const listed = (await owner.api(webUrl(1)).apiKeys.list.query()).find((key) => key.id === created.id);
    expect(listed).toMatchObject({ name: created.name, prefix: created.key.slice(0, 8), scopes: ["links:read"], lastUsedAt: null });
    expect(JSON.stringify(listed)).not.toContain(created.key);

    expect((await rest(0, "GET", "/links", { key: created.key })).status).toBe(200);
    const firstUse = (await db.apiToken.findUniqueOrThrow({ where: { id: created.id } })).lastUsedAt;
    expect(firstUse).not.toBeNull();
    expect((await rest(1, "GET", "/links", { key: created.key })).status).toBe(200);
    expect((await db.apiToken.findUniqueOrThrow({ where: { id: created.id } })).lastUsedAt).toEqual(firstUse);
  });

  it("refuses bad input with field messages and changes nothing", async () => {
    const before = await db.apiToken.count();
    await expect(owner.api(webUrl(0)).apiKeys.create.mutate({ name: "", scopes: ["links:read"] })).rejects.toMatchObject({ data: { code: "BAD_REQUEST" } });
    // @ts-expect-error: not a scope
    await expect(owner.api(webUrl(0)).apiKeys.create.mutate({ name: "x", scopes: ["admin"] })).rejects.toMatchObject({ data: { code: "BAD_REQUEST" } });
    await expect(owner.api(webUrl(0)).apiKeys.create.mutate({ name: "x", scopes: [] })).rejects.toMatchObject({ data: { code: "BAD_REQUEST" } });
    await expect(owner.api(webUrl(0)).apiKeys.revoke.mutate({ id: "no-such-key" })).rejects.toMatchObject({ data: { code: "NOT_FOUND" } });
    expect(await db.apiToken.count()).toBe(before);
  });

  it("a key revoked through one instance is refused by the other at once, even after it was cached there", async () => {
    const { id, key } = await newKey(["links:read"]);
    expect((await rest(1, "GET", "/links", { key })).status).toBe(200); // web 1 has now cached it
    expect((await rest(1, "GET", "/links", { key })).status).toBe(200);
    await owner.api(webUrl(0)).apiKeys.revoke.mutate({ id });
    const refused = await rest(1, "GET", "/links", { key });
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ code: "UNAUTHORIZED", message: expect.stringContaining("revoked") });
    expect((await owner.api(webUrl(1)).apiKeys.list.query()).map((listed) => listed.id)).not.toContain(id);
    await expect(owner.api(webUrl(1)).apiKeys.revoke.mutate({ id })).rejects.toMatchObject({ data: { code: "NOT_FOUND" } });
  });

  it("cannot manage keys or sessions itself (no scope names those procedures)", async () => {
    const { key } = await newKey();
    const response = await fetch(`${webUrl(0)}/api/v1/trpc/apiKeys.list`, { headers: { authorization: `Bearer ${key}` } });
    expect(response.status).toBe(403);
    const me = await fetch(`${webUrl(0)}/api/v1/trpc/auth.me`, { headers: { authorization: `Bearer ${key}` } });
    expect(me.status).toBe(403);
  });

  it("is rate-limited per key over every instance: RateLimit headers, then 429 with Retry-After", async () => {
    const { key } = await newKey(["links:read"]);
    const other = await newKey(["links:read"]);
    let last: Answer | undefined;
    for (let request = 0; request < rateLimitPerMinute; request++) {
      last = await rest(request % 2, "GET", "/tags", { key });
      expect(last.status).toBe(200);
    }
    expect(last!.headers.get("ratelimit-limit")).toBe(String(rateLimitPerMinute));
    expect(last!.headers.get("ratelimit-remaining")).toBe("0");
    expect(Number(last!.headers.get("ratelimit-reset"))).toBeGreaterThan(0);
    const refused = await rest(0, "GET", "/tags", { key });
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe("TOO_MANY_REQUESTS");
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await rest(1, "GET", "/tags", { key })).status).toBe(429);
    // Another key of the same account is not held back.
    expect((await rest(1, "GET", "/tags", { key: other.key })).status).toBe(200);
  });
});

describe("REST /api/v1", () => {
  it("publishes an OpenAPI 3.1 document that a validator accepts, and a reference page served locally", async () => {
    const response = await fetch(`${webUrl(1)}/api/v1/openapi.json`);
    expect(response.status).toBe(200);
    const document = await response.json();
    expect(document.openapi).toBe("3.1.0");
    const result = await new Validator().validate(document);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);

    const page = await fetch(`${webUrl(0)}/docs/api`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('data-url="/api/v1/openapi.json"');
    // Nothing from another origin: the page's only script is ours.
    expect(html).not.toMatch(/src="https?:/);
    const script = await fetch(`${webUrl(1)}/docs/api/reference.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get("content-type")).toContain("javascript");
    expect((await script.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
  });

  it("answers every operation of the document: links CRUD, list with search/tag/pagination, bulk create, tags, stats, analytics; created on one instance, read on the other", async () => {
    const { key } = await newKey();
    const created = await rest(0, "POST", "/links", {
      key,
      body: { url: "https://example.com/rest", slug: "rest-one", tags: ["api", "docs"], title: "From REST", expiresAt: "2099-01-01T00:00:00.000Z" },
    });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ slug: "rest-one", url: "https://example.com/rest", tags: ["api", "docs"], expiresAt: "2099-01-01T00:00:00.000Z" });
    const id: string = created.body.id;

    expect((await rest(1, "GET", "/links/{id}", { key, params: { id } })).body).toMatchObject({ id, slug: "rest-one", title: "From REST" });

    const bulk = await rest(1, "POST", "/links/bulk", {
      key,
      body: {
        links: [{ url: "https://example.com/b1", tags: ["api"] }, { url: "https://example.com/b2", slug: "rest-one" }, { url: "https://example.com/b3" }],
      },
    });
    expect(bulk.status).toBe(200);
    expect(bulk.body.created.map((entry: { index: number }) => entry.index)).toEqual([0, 2]);
    expect(bulk.body.failed).toEqual([{ index: 1, code: "BAD_REQUEST", message: expect.stringContaining("already taken"), slugTaken: true }]);

    const firstPage = await rest(0, "GET", "/links", { key, query: "limit=2&sort=oldest" });
    expect(firstPage.body.total).toBe(3);
    expect(firstPage.body.items.map((link: { slug: string }) => link.slug)[0]).toBe("rest-one");
    const secondPage = await rest(1, "GET", "/links", { key, query: `limit=2&sort=oldest&cursor=${firstPage.body.nextCursor}` });
    expect(secondPage.body.items).toHaveLength(1);
    expect(secondPage.body.nextCursor).toBeNull();
    expect((await rest(0, "GET", "/links", { key, query: "tag=api" })).body.total).toBe(2);
    expect((await rest(0, "GET", "/links", { key, query: "search=REST" })).body.items.map((link: { id: string }) => link.id)).toEqual([id]);

    const updated = await rest(1, "PATCH", "/links/{id}", { key, params: { id }, body: { title: "Renamed", tags: ["docs"] } });
    expect(updated.body).toMatchObject({ title: "Renamed", tags: ["docs"], url: "https://example.com/rest" });

    const tags = await rest(0, "GET", "/tags", { key });
    expect(tags.body).toEqual(expect.arrayContaining([{ name: "api", color: expect.any(String), links: 1 }]));

    const stats = await rest(1, "GET", "/links/{id}/stats", { key, params: { id }, query: "days=7" });
    expect(stats.body.days).toHaveLength(7);
    expect(stats.body.clicksInRange).toBe(0);

    // Analytics: POST with a JSON body (periods and filters are objects); every dimension's answer comes from the rollups.
    const query = { period: "7d", timezone: "Asia/Kolkata", filters: [{ dimension: "link", op: "is", value: id }] };
    const totals = await rest(0, "POST", "/analytics/totals", { key, body: query });
    expect(totals.body).toMatchObject({ clicks: 0, uniqueVisitors: 0, period: { timezone: "Asia/Kolkata", granularity: "day" } });
    const series = await rest(1, "POST", "/analytics/timeseries", { key, body: query });
    expect(series.body.points.length).toBeGreaterThanOrEqual(7);
    expect(series.body.points.every((point: { clicks: number }) => point.clicks === 0)).toBe(true);
    expect((await rest(0, "POST", "/analytics/top", { key, body: { ...query, dimension: "country" } })).body).toMatchObject({ dimension: "country", rows: [] });
    expect((await rest(1, "POST", "/analytics/realtime", { key, body: {} })).body.minutes).toHaveLength(30);
    expect((await rest(0, "POST", "/analytics/clicks", { key, body: { period: "24h" } })).body).toEqual({ clicks: [], nextCursor: null });
    expect((await rest(1, "POST", "/analytics/top", { key, body: { dimension: "planet" } })).status).toBe(400);
    // A custom period's instants are dates, which JSON cannot carry: over REST it is refused (400), not misread; tRPC takes it.
    const custom = { period: { from: "2026-11-01T00:00:00.000Z", to: "2026-11-08T00:00:00.000Z" } };
    expect((await rest(0, "POST", "/analytics/totals", { key, body: custom })).status).toBe(400);

    const deleted = await rest(0, "DELETE", "/links/{id}", { key, params: { id } });
    expect(deleted.body).toMatchObject({ id, slug: "rest-one" });
    expect((await rest(1, "GET", "/links/{id}", { key, params: { id } })).status).toBe(404);
    // No body at all: the input is in the path.
    const restored = await rest(1, "POST", "/links/{id}/restore", { key, params: { id } });
    expect(restored.body).toMatchObject({ id, slug: "rest-one" });

    const document = await (await fetch(`${webUrl(0)}/api/v1/openapi.json`)).json();
    const operations = Object.entries(document.paths as Record<string, Record<string, unknown>>).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect([...called].sort()).toEqual(expect.arrayContaining(operations.sort()));
    expect(operations.length).toBeGreaterThanOrEqual(9);
  });

  it("answers errors as JSON with the right 4xx, and changes nothing on bad input", async () => {
    const { key } = await newKey(["links:read", "links:write"]);
    const readOnly = await newKey(["links:read"]);
    const before = await db.link.count();

    expect(await rest(0, "GET", "/links")).toMatchObject({ status: 401, body: { code: "UNAUTHORIZED" } });
    expect(await rest(1, "GET", "/links", { key: "hop_not-a-real-key" })).toMatchObject({ status: 401, body: { code: "UNAUTHORIZED" } });
    expect(await rest(1, "GET", "/links", { key: `hop_${"x".repeat(43)}` })).toMatchObject({ status: 401, body: { code: "UNAUTHORIZED" } });
    const forbidden = await rest(0, "POST", "/links", { key: readOnly.key, body: { url: "https://example.com/no" } });
    expect(forbidden).toMatchObject({ status: 403, body: { code: "FORBIDDEN", message: expect.stringContaining("links:write") } });
    expect(await rest(0, "GET", "/links/{id}/stats", { key, params: { id: "x" } })).toMatchObject({ status: 403 });
    expect(await rest(1, "POST", "/analytics/totals", { key, body: {} })).toMatchObject({
      status: 403,
      body: { message: expect.stringContaining("analytics:read") },
    });

    const invalid = await rest(1, "POST", "/links", { key, body: { url: "javascript:alert(1)", slug: "bad slug" } });
    expect(invalid.status).toBe(400);
    expect(invalid.body.code).toBe("BAD_REQUEST");
    expect(invalid.body.issues.map((issue: { path: string[] }) => issue.path[0]).sort()).toEqual(["slug", "url"]);
    const notJson = await fetch(`${webUrl(0)}/api/v1/links`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: "{",
    });
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toMatchObject({ code: "PARSE_ERROR" });
    expect(await rest(0, "GET", "/links/{id}", { key, params: { id: "no-such-link" } })).toMatchObject({ status: 404, body: { code: "NOT_FOUND" } });
    expect(await rest(1, "GET", "/no-such-operation", { key })).toMatchObject({ status: 404 });
    expect(await rest(0, "GET", "/links", { key, query: "limit=1000" })).toMatchObject({ status: 400 });
    expect(await db.link.count()).toBe(before);
  });
});

describe("@hop/client", () => {
  it("creates through one instance and reads through the other, typed by AppRouter", async () => {
    const { key } = await newKey();
    const first = createHopClient({ baseUrl: webUrl(0), apiKey: key });
    const second = createHopClient({ baseUrl: `${webUrl(1)}/`, apiKey: key });
    const link = await first.links.create.mutate({ url: "https://example.com/client", slug: "from-client", expiresAt: new Date("2099-01-01T00:00:00Z") });
    expect(link.expiresAt).toBeInstanceOf(Date);
    const read = await second.links.get.query({ id: link.id });
    expect(read).toMatchObject({ slug: "from-client", url: "https://example.com/client" });
    expect((await second.links.list.query({ search: "from-client" })).items.map((item) => item.id)).toEqual([link.id]);
    expect((await second.links.stats.query({ id: link.id, days: 7 })).days).toHaveLength(7);
  });

  it("reports a bad key, a revoked key and a missing scope as typed errors", async () => {
    const bad = createHopClient({ baseUrl: webUrl(0), apiKey: "hop_wrong" });
    await expect(bad.links.list.query({})).rejects.toSatisfy((error) => error instanceof TRPCClientError && error.data?.code === "UNAUTHORIZED");

    const { id, key } = await newKey(["links:read"]);
    const client = createHopClient({ baseUrl: webUrl(1), apiKey: key });
    await expect(client.links.create.mutate({ url: "https://example.com/nope" })).rejects.toMatchObject({ data: { code: "FORBIDDEN" } });
    expect((await client.links.list.query({})).total).toBeGreaterThanOrEqual(0);
    await owner.api(webUrl(0)).apiKeys.revoke.mutate({ id });
    await expect(client.links.list.query({})).rejects.toMatchObject({ data: { code: "UNAUTHORIZED" } });
  });
});

describe("@hop/client's retries", () => {
  let server: Server;
  const answers: number[] = [];
  beforeAll(async () => {
    // A real HTTP server that refuses the first calls the way Hop does (429/503 with Retry-After), then answers.
    server = createServer((request, response) => {
      const status = answers.shift() ?? 200;
      response.writeHead(status, { "retry-after": "0", "content-type": "application/json" });
      response.end(JSON.stringify({ method: request.method, status }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
  });
  const url = () => `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

  it("waits out 429 for any call and 503 for reads, up to the retries allowed", async () => {
    const retrying = retryingFetch({ retries: 2 });
    answers.push(429, 503);
    expect((await retrying(url())).status).toBe(200);
    answers.push(429, 429, 429);
    expect((await retrying(url())).status).toBe(429);
    answers.length = 0;
    answers.push(429);
    expect((await retrying(url(), { method: "POST", body: "{}" })).status).toBe(200);
    // A write that got 503 may have been done: reported, not repeated.
    answers.push(503);
    expect((await retrying(url(), { method: "POST", body: "{}" })).status).toBe(503);
    expect(answers).toEqual([]);
  });
});
