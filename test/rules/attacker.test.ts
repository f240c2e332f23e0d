import http from "node:http";
import { createDatabase, type Database } from "@hop/db";
import { rateLimitRules } from "@hop/redis";
import { maxBatchSize } from "@hop/validators";
import { startHopProcess, type HopProcess } from "@hop/test-harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCluster, waitFor, type Cluster } from "../support/cluster";
import { createCookieClient } from "../support/http-session";

// Hop played by an attacker and a careless client, over HTTP, against two web
// instances and a worker: every answer is a clear 4xx (never a 5xx), nothing
// is changed by a refused request, and nothing a client writes in a header
// buys it more than it is owed.
let cluster: Cluster;
let db: Database;
let behindProxy: HopProcess | undefined;
const owner = createCookieClient();

beforeAll(async () => {
  cluster = await startCluster({ web: 2, workers: 1 });
  db = createDatabase(cluster.env.DATABASE_URL!);
  // A third instance as it runs behind one haproxy/nginx (this test, on loopback, plays the proxy).
  behindProxy = await startHopProcess("web", { ...cluster.env, TRUST_PROXY: "1" });
  await owner.api(cluster.webs[0]!.url!).auth.signUp.mutate({ email: "owner@example.com", password: "correct horse battery" });
}, 120_000);
afterAll(async () => {
  await behindProxy?.kill();
  await db?.$disconnect();
  await cluster?.stop();
});

const webUrl = (index: number) => cluster.webs[index]!.url!;
const behindProxyUrl = () => behindProxy!.url!;
const ownerCookie = () => ({ cookie: `hop_session=${owner.cookie ?? ""}` });

/** A raw request, so that headers and bodies are exactly what a hostile client sends. */
function rawRequest(url: string, options: { method?: string; headers?: Record<string, string | number>; body?: string | Buffer; chunks?: Buffer[] } = {}) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const request = http.request(url, { method: options.method ?? "GET", headers: options.headers }, (response) => {
      const parts: Buffer[] = [];
      response.on("data", (chunk: Buffer) => parts.push(chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(parts).toString("utf8") }));
      response.on("error", reject);
    });
    request.on("error", reject);
    for (const chunk of options.chunks ?? []) request.write(chunk);
    if (options.body !== undefined) request.end(options.body);
    else if (!options.headers?.["content-length"]) request.end();
    // With a declared length and no body: only the headers go out, and the answer must come before any body is sent.
    else request.flushHeaders();
  });
}

/** A tRPC mutation as a plain JSON POST (what any HTTP client can send). */
const postProcedure = (web: string, path: string, input: unknown, headers: Record<string, string> = {}) =>
  fetch(`${web}/api/trpc/${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ json: input }) });

describe("targets outside ASCII, and control characters", () => {
  it("stores a unicode target percent-encoded and redirects to it from either instance; the click is counted once", async () => {
    const link = await owner.api(webUrl(0)).links.create.mutate({ url: "https://ja.wikipedia.org/wiki/日本", slug: "nihon" });
    expect(link.url).toBe("https://ja.wikipedia.org/wiki/%E6%97%A5%E6%9C%AC");
    for (const index of [0, 1]) {
      const response = await fetch(`${webUrl(index)}/nihon`, {
        redirect: "manual",
        headers: { "user-agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0" },
      });
      expect(response.status).toBe(302);
      expect(response.headers.get("location")).toBe("https://ja.wikipedia.org/wiki/%E6%97%A5%E6%9C%AC");
    }
    await waitFor(
      () => db.link.findUniqueOrThrow({ where: { id: link.id } }),
      (row) => row.totalClicks === 2n,
      20_000,
    );
  });

  it("refuses CR/LF in a target or fallback with a field error, and writes nothing", async () => {
    for (const input of [
      { url: "https://example.com/a\r\nSet-Cookie: stolen=1", slug: "crlf-1" },
      { url: "https://example.com/", expiredUrl: "https://example.com/\nx", slug: "crlf-2" },
    ]) {
      const response = await postProcedure(webUrl(1), "links.create", input, ownerCookie());
      expect(response.status).toBe(400);
      expect(await response.text()).toMatch(/control characters/);
    }
    expect(await db.link.count({ where: { slug: { in: ["crlf-1", "crlf-2"] } } })).toBe(0);
  });

  it("answers a link stored raw before targets were serialised (non-ASCII, a stray control character) with a redirect, never a 5xx", async () => {
    const user = await db.user.findUniqueOrThrow({ where: { email: "owner@example.com" } });
    await db.link.create({ data: { slug: "legacy", url: "https://例え.jp/パス?q=ü", userId: user.id } });
    await db.link.create({
      data: {
        slug: "legacy-ctl",
        url: "https://example.com/a\u0001b",
        userId: user.id,
        expiresAt: new Date(Date.now() - 1000),
        expiredUrl: "https://example.com/fin\u00e9",
      },
    });
    const legacy = await fetch(`${webUrl(1)}/legacy`, { redirect: "manual" });
    expect(legacy.status).toBe(302);
    expect(legacy.headers.get("location")).toBe("https://xn--r8jz45g.jp/%E3%83%91%E3%82%B9?q=%C3%BC");
    const expired = await fetch(`${webUrl(0)}/legacy-ctl`, { redirect: "manual" });
    expect(expired.status).toBe(302);
    expect(expired.headers.get("location")).toBe("https://example.com/fin%C3%A9");
  });
});

describe("odd paths", () => {
  it.each([
    ["NUL", "/%00"],
    ["an encoded CR/LF", "/a%0d%0aSet-Cookie:%20x=1"],
    ["5,000 characters", `/${"a".repeat(5000)}`],
    ["encoded dot-dot slashes", "/..%2f..%2fetc%2fpasswd"],
    ["Japanese", "/%E6%97%A5%E6%9C%AC"],
    ["invalid UTF-8", "/%ff%fe"],
    ["three segments", "/a/b/c"],
    ["__proto__", "/__proto__"],
    ["a tRPC path climbing out", "/api/trpc/..%2f..%2fapi%2fhealth"],
  ])("answers a path of %s with a 4xx or a page, never a 5xx, and sets no cookie", async (_name, path) => {
    const response = await rawRequest(`${webUrl(0)}${path}`);
    expect(response.status, path).toBeLessThan(500);
    expect(response.headers["set-cookie"]).toBeUndefined();
  });
});

describe("limits", () => {
  it("refuses a 20 MiB body with 413 before reading it, and a body without a length with 411", async () => {
    const declared = await rawRequest(`${webUrl(0)}/api/trpc/auth.signIn`, {
      method: "POST",
      headers: { "content-type": "application/json", "content-length": 20 * 1024 * 1024 },
    });
    expect(declared.status).toBe(413);
    expect(JSON.parse(declared.body)).toMatchObject({ error: { code: "PAYLOAD_TOO_LARGE" } });
    const chunked = await rawRequest(`${webUrl(1)}/api/trpc/auth.signIn`, {
      method: "POST",
      headers: { "content-type": "application/json", "transfer-encoding": "chunked" },
      chunks: [Buffer.from('{"json":')],
      body: "{}}",
    });
    expect(chunked.status).toBe(411);
  });

  it(`refuses a batch of more than ${maxBatchSize} calls with 400, and answers one of ${maxBatchSize}`, async () => {
    const batch = (size: number) => {
      const paths = Array.from({ length: size }, () => "auth.me").join(",");
      const input = encodeURIComponent(JSON.stringify(Object.fromEntries(Array.from({ length: size }, (_, i) => [i, { json: null }]))));
      return fetch(`${webUrl(0)}/api/trpc/${paths}?batch=1&input=${input}`);
    };
    expect((await batch(maxBatchSize)).status).toBe(200);
    const tooMany = await batch(maxBatchSize * 20);
    expect(tooMany.status).toBe(400);
  });

  it("answers an oversized unlock form with 413 and the form again, not a connection reset; nothing is unlocked", async () => {
    await owner.api(webUrl(0)).links.create.mutate({ url: "https://example.com/secret", slug: "locked", password: "open sesame" });
    const big = `password=${"x".repeat(8 * 1024)}`;
    const declared = await fetch(`${webUrl(1)}/locked`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: big,
      redirect: "manual",
    });
    expect(declared.status).toBe(413);
    expect(await declared.text()).toMatch(/enter the password only/);
    const chunked = await rawRequest(`${webUrl(0)}/locked`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "transfer-encoding": "chunked" },
      chunks: [Buffer.from(big.slice(0, 4000)), Buffer.from(big.slice(4000))],
      body: "",
    });
    expect(chunked.status).toBe(413);
    expect(chunked.headers["set-cookie"]).toBeUndefined();
  });
});

describe("forged forwarding headers", () => {
  const signInAttempt = (web: string, forwardedFor: string, index: number) =>
    postProcedure(
      web,
      "auth.signIn",
      { email: `nobody-${index}-${forwardedFor.length}@example.com`, password: "wrong password" },
      { "x-forwarded-for": forwardedFor },
    );

  it("without TRUST_PROXY, a new X-Forwarded-For per attempt does not escape the per-address sign-in limit", async () => {
    const { limit } = rateLimitRules.signInPerIp;
    const statuses: number[] = [];
    for (let i = 0; i <= limit; i++) statuses.push((await signInAttempt(webUrl(i % 2), `198.51.100.${i}`, i)).status);
    expect(statuses.slice(0, limit).every((status) => status === 401)).toBe(true);
    expect(statuses[limit]).toBe(429);
  });

  it("behind one trusted proxy, the client's own leftmost X-Forwarded-For entries do not escape it either", async () => {
    const { limit } = rateLimitRules.signInPerIp;
    const statuses: number[] = [];
    // The proxy (this test, on loopback) appends the address it saw; the client forged everything before it.
    for (let i = 0; i <= limit; i++) statuses.push((await signInAttempt(behindProxyUrl(), `10.9.8.${i}, 203.0.113.50`, i)).status);
    expect(statuses[limit]).toBe(429);
    // Another visitor behind the same proxy is not affected.
    expect((await signInAttempt(behindProxyUrl(), "203.0.113.51", 999)).status).toBe(401);
  });
});

describe("after sign-in", () => {
  it.each(["/%09/evil.example/", "/\\evil.example", "//evil.example", "/%2F%2Fevil.example", "/.//evil.example", "https://evil.example/"])(
    "never sends a signed-in visitor of /signin?next=%s to another origin",
    async (next) => {
      const response = await fetch(`${webUrl(1)}/signin?next=${encodeURIComponent(next)}`, { redirect: "manual", headers: ownerCookie() });
      expect([303, 307, 308]).toContain(response.status);
      const location = response.headers.get("location") ?? "";
      expect(new URL(location, webUrl(1)).origin).toBe(webUrl(1));
      expect(location).not.toMatch(/evil/);
    },
  );
});

describe("headers", () => {
  it("frames nothing and sniffs nothing: pages, the API and the redirect's own pages carry the security headers", async () => {
    for (const path of ["/signin", "/api/trpc/auth.me", "/no-such-link"]) {
      const response = await fetch(`${webUrl(0)}${path}`, { redirect: "manual" });
      expect(response.headers.get("content-security-policy"), path).toMatch(/frame-ancestors 'none'/);
      expect(response.headers.get("x-content-type-options"), path).toBe("nosniff");
      expect(response.headers.get("referrer-policy"), path).toBe("strict-origin-when-cross-origin");
      expect(response.headers.get("strict-transport-security"), path).toBeNull();
    }
    // HSTS only where the browser came over https: here, said by a trusted proxy (and ignored from anyone else).
    const overHttps = await fetch(`${behindProxyUrl()}/signin`, { headers: { "x-forwarded-proto": "https" } });
    expect(overHttps.headers.get("strict-transport-security")).toMatch(/max-age=\d+/);
    const forged = await fetch(`${webUrl(0)}/signin`, { headers: { "x-forwarded-proto": "https" } });
    expect(forged.headers.get("strict-transport-security")).toBeNull();
  });
});
