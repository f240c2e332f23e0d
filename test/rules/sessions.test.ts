import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCluster, type Cluster } from "../support/cluster";
import { createCookieClient } from "../support/http-session";

/**
 * DESIGN.md rules 3 and 4 on real processes: no sticky sessions. The cookie
 * carries a sealed session id; the session's existence lives in Redis, so
 * every web instance agrees at once.
 */
let cluster: Cluster;

beforeAll(async () => {
  cluster = await startCluster({ web: 2, workers: 0 });
}, 120_000);
afterAll(async () => {
  await cluster.stop();
});

const web = (index: number) => cluster.webs[index]!.url!;

describe("a session across web instances", () => {
  it("signed up through web 1 is signed in on web 2; revoked on web 2, refused on web 1 at once", async () => {
    const alice = createCookieClient();
    const me = await alice.api(web(0)).auth.signUp.mutate({ email: "alice@example.com", password: "correct horse battery" });
    expect(await alice.api(web(1)).auth.me.query()).toMatchObject({ id: me.id, sessionId: me.sessionId });

    const otherDevice = createCookieClient();
    const other = await otherDevice.api(web(1)).auth.signIn.mutate({ email: "alice@example.com", password: "correct horse battery" });
    expect((await otherDevice.api(web(0)).auth.sessions.query()).map((session) => session.id).sort()).toEqual([me.sessionId, other.sessionId].sort());

    await alice.api(web(1)).auth.revokeSession.mutate({ sessionId: other.sessionId });
    // The very next request, on the other instance:
    expect(await otherDevice.api(web(0)).auth.me.query()).toBeNull();
    await expect(otherDevice.api(web(0)).auth.sessions.query()).rejects.toMatchObject({ data: { code: "UNAUTHORIZED" } });
    expect(await alice.api(web(0)).auth.me.query()).not.toBeNull();
  });

  it("survives a restart of both instances, and a SIGKILL of one", async () => {
    const bob = createCookieClient();
    await bob.api(web(0)).auth.signUp.mutate({ email: "bob@example.com", password: "correct horse battery" });

    // Restart both: new processes, new instance ids, nothing carried over in memory.
    const old = [...cluster.webs];
    for (const process of old) {
      expect(await process.stop()).toEqual({ code: 0, signal: null });
      cluster.webs.splice(cluster.webs.indexOf(process), 1);
    }
    await Promise.all([cluster.addWeb(), cluster.addWeb()]);
    expect(cluster.webs.map((process) => process.instanceId)).not.toContain(old[0]!.instanceId);
    for (const index of [0, 1]) expect(await bob.api(web(index)).auth.me.query()).toMatchObject({ email: "bob@example.com" });

    // A crash of one: the user keeps working through the other.
    const crashed = cluster.webs[0]!;
    await crashed.kill();
    cluster.webs.splice(0, 1);
    expect(await bob.api(web(0)).auth.me.query()).toMatchObject({ email: "bob@example.com" });
    expect(await bob.api(web(0)).auth.sessions.query()).toHaveLength(1);
    await cluster.addWeb();
  });

  it("refuses a mutation from another site's page (CSRF), whatever forwarding headers it forges", async () => {
    const host = new URL(web(0)).host;
    const otherPort = `${new URL(web(0)).hostname}:${Number(new URL(web(0)).port) + 1}`;
    const signOut = (headers: Record<string, string>) =>
      fetch(`${web(0)}/api/trpc/auth.signOut`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: "{}" });
    const refused: Array<Record<string, string>> = [
      { origin: "https://evil.example" },
      // TRUST_PROXY is off: a client's X-Forwarded-Host must not decide which host counts as ours.
      { origin: "https://evil.example", "x-forwarded-host": "evil.example" },
      { origin: "http://evil.example", "x-forwarded-host": "evil.example", "x-forwarded-proto": "http", "x-hop-origin": "http://evil.example" },
      { origin: "null" },
      { referer: "https://evil.example/page" },
      { origin: `http://${otherPort}` },
    ];
    for (const headers of refused) {
      const response = await signOut(headers);
      expect({ headers, status: response.status }).toEqual({ headers, status: 403 });
      expect(await response.text()).toMatch(/Cross-site request refused/);
    }
    // The no-script sign-in form is guarded the same way.
    const formSignIn = (headers: Record<string, string>) =>
      fetch(`${web(0)}/api/auth/signin`, {
        method: "POST",
        redirect: "manual",
        headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
        body: new URLSearchParams({ email: "alice@example.com", password: "not the password", next: "/links" }).toString(),
      });
    expect((await formSignIn({ origin: "https://evil.example", "x-forwarded-host": "evil.example" })).status).toBe(403);
    const sameSite = await formSignIn({ origin: `http://${host}` });
    expect(sameSite.status).toBe(303);
    expect(sameSite.headers.get("location")).toBe("/signin?next=%2Flinks&error=credentials");
    // This site's own pages, and clients that send neither header (scripts, curl), are let through.
    const allowed: Array<Record<string, string>> = [{ origin: `http://${host}` }, { referer: `http://${host}/account` }, {}];
    for (const headers of allowed) {
      const response = await signOut(headers);
      expect({ headers, status: response.status }).toEqual({ headers, status: 200 });
    }
  });

  it("answers 503, not 'signed out', while Redis is down, and recovers", async () => {
    const carol = createCookieClient();
    await carol.api(web(0)).auth.signUp.mutate({ email: "carol@example.com", password: "correct horse battery" });
    await cluster.redisServer.stop();
    try {
      await expect(carol.api(web(1)).auth.me.query()).rejects.toMatchObject({ data: { httpStatus: 503 } });
      // The sign-in's rate limit cannot be asked: 503 with Retry-After, not a 500.
      const signIn = await fetch(`${web(1)}/api/trpc/auth.signIn`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ json: { email: "carol@example.com", password: "correct horse battery" } }),
      });
      expect(signIn.status).toBe(503);
      expect(Number(signIn.headers.get("retry-after"))).toBeGreaterThan(0);
    } finally {
      await cluster.redisServer.start();
    }
    // The harness's Redis keeps nothing on disk, so the restarted one has no session: a clean sign-in works again.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await carol.api(web(1)).auth.me.query()).toBeNull();
    await carol.api(web(1)).auth.signIn.mutate({ email: "carol@example.com", password: "correct horse battery" });
    expect(await carol.api(web(0)).auth.me.query()).toMatchObject({ email: "carol@example.com" });
  });
});
