import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clusterOperatorEmail, startCluster, waitFor, type Cluster } from "../support/cluster";

/**
 * DESIGN.md, "The rules of the processes", proven on real processes: two web
 * and two worker processes from one build, one PostgreSQL, one Redis.
 */
let cluster: Cluster;

beforeAll(async () => {
  cluster = await startCluster({ web: 2, workers: 2 });
}, 120_000);
afterAll(async () => {
  await cluster.stop();
});

type Health = { status: string; instanceId: string; buildId: string; version: string };
const health = async (url: string | undefined) => (await (await fetch(`${url}/api/health`)).json()) as Health;

describe("rule 5: one build artefact runs as every instance", () => {
  it("both web processes answer, with the same build id and different instance ids", async () => {
    const [a, b] = await Promise.all(cluster.webs.map((web) => health(web.url)));
    expect(a?.status).toBe("ok");
    expect(b?.status).toBe("ok");
    expect(a?.buildId).toBe(b?.buildId);
    expect(a?.buildId).not.toBe("development");
    expect(a?.instanceId).not.toBe(b?.instanceId);
  });

  it("both are ready: PostgreSQL and Redis reachable", async () => {
    for (const web of cluster.webs) {
      const response = await fetch(`${web.url}/api/ready`);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ status: "ready", checks: { database: "ok", redis: "ok" } });
    }
  });
});

describe("rules 1 and 3: processes share nothing but the backing services; any request may reach any web", () => {
  it("either web lists all four live processes", async () => {
    const expected = [...cluster.webs, ...cluster.workers].map((process) => process.instanceId).sort();
    for (const web of cluster.webs) {
      const instances = await cluster.operatorApi(web).system.instances.query();
      expect(instances.map((instance) => instance.id).sort()).toEqual(expected);
      expect(
        instances
          .filter((instance) => instance.kind === "web")
          .map((instance) => instance.url)
          .sort(),
      ).toEqual(cluster.webs.map((process) => process.url).sort());
    }
  });

  it("a job enqueued through web 1 is run by exactly one worker, and web 2 sees the result", async () => {
    const [web1, web2] = cluster.webs;
    const { probeId } = await cluster.operatorApi(web1!).system.sendProbe.mutate({ holdMs: 0 });
    const events = await waitFor(
      () => cluster.operatorApi(web2!).system.probe.query({ probeId }),
      (all) => all.some((event) => event.event === "finished"),
      10_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const settled = await cluster.operatorApi(web2!).system.probe.query({ probeId });
    expect(settled.map((event) => event.event)).toEqual(["sent", "started", "finished"]);
    expect(settled[0]?.instanceId).toBe(web1!.instanceId);
    expect(cluster.workers.map((worker) => worker.instanceId)).toContain(events[1]?.instanceId);
  });

  it("reports the queue from either web", async () => {
    for (const web of cluster.webs) {
      const queue = await cluster.operatorApi(web).system.queue.query();
      expect(queue).toEqual({
        queued: expect.any(Number),
        running: expect.any(Number),
        failed: 0,
        clicks: { pending: expect.any(Number), unread: expect.any(Number) },
      });
    }
  });
});

describe("the system view is for operators only", () => {
  it("refuses system.* over HTTP: 401 signed out, 403 for an account that is not an operator", async () => {
    const web = cluster.webs[0]!;
    const someone = `hop_session=${await cluster.signIn("someone@example.com")}`;
    const calls = [
      { path: "system.instances", method: "GET" },
      { path: "system.queue", method: "GET" },
      { path: "system.probe", method: "GET", input: { probeId: "00000000-0000-4000-8000-000000000000" } },
      { path: "system.sendProbe", method: "POST", input: { holdMs: 0 } },
    ];
    for (const call of calls) {
      for (const [cookie, status] of [
        [undefined, 401],
        [someone, 403],
      ] as const) {
        const input = JSON.stringify({ json: call.input ?? null });
        const url = call.method === "GET" ? `${web.url}/api/trpc/${call.path}?input=${encodeURIComponent(input)}` : `${web.url}/api/trpc/${call.path}`;
        const headers: Record<string, string> = { "content-type": "application/json", ...(cookie ? { cookie } : {}) };
        const response = await fetch(url, { method: call.method, headers, ...(call.method === "POST" ? { body: input } : {}) });
        expect({ path: call.path, status: response.status }).toEqual({ path: call.path, status });
        expect(JSON.stringify(await response.json())).not.toMatch(/"host"|"pid"|buildId/);
      }
    }
    expect((await cluster.operatorApi(web).system.queue.query()).queued).toBeGreaterThanOrEqual(0);
  });
});

describe("rule 6: a crash loses nothing", () => {
  it("a worker killed while it holds a job: the other worker runs the job within seconds", async () => {
    const web = cluster.webs[0]!;
    const { probeId } = await cluster.operatorApi(web).system.sendProbe.mutate({ holdMs: 30_000 });
    const [, started] = await waitFor(
      () => cluster.operatorApi(web).system.probe.query({ probeId }),
      (all) => all.length >= 2,
      10_000,
    );
    const holder = cluster.workers.find((worker) => worker.instanceId === started?.instanceId)!;
    const killedAt = Date.now();
    await holder.kill();
    const events = await waitFor(
      () => cluster.operatorApi(web).system.probe.query({ probeId }),
      (all) => all.filter((event) => event.event === "started").length >= 2,
      20_000,
    );
    const takeover = events.filter((event) => event.event === "started")[1]!;
    expect(takeover.instanceId).not.toBe(holder.instanceId);
    expect(Date.parse(takeover.at) - killedAt).toBeLessThan(15_000);
    cluster.workers.splice(cluster.workers.indexOf(holder), 1);
    await cluster.addWorker();
  });
});

describe("rule 7: SIGTERM stops a web process gracefully", () => {
  it("finishes a request that is in flight, then exits 0", async () => {
    const web = await cluster.addWeb();
    const port = Number(new URL(web.url!).port);
    const body = JSON.stringify({ "0": { json: { holdMs: 0 } } });
    const cookie = `hop_session=${await cluster.signIn(clusterOperatorEmail)}`;
    // Headers now, body later: the request is in flight when SIGTERM arrives.
    const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const outgoing = request(
        {
          port,
          host: "127.0.0.1",
          method: "POST",
          path: "/api/trpc/system.sendProbe?batch=1",
          headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), cookie },
        },
        (incoming) => {
          let text = "";
          incoming.on("data", (chunk: Buffer) => (text += chunk.toString()));
          incoming.on("end", () => resolve({ status: incoming.statusCode ?? 0, text }));
        },
      );
      outgoing.on("error", reject);
      outgoing.write(body.slice(0, 5));
      setTimeout(() => outgoing.end(body.slice(5)), 1_000);
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const exit = web.stop();
    const answered = await response;
    expect(answered.status).toBe(200);
    expect(answered.text).toContain("probeId");
    expect(await exit).toEqual({ code: 0, signal: null });
    cluster.webs.splice(cluster.webs.indexOf(web), 1);
    // It left the live list on its way out.
    const instances = await cluster.operatorApi(cluster.webs[0]!).system.instances.query();
    expect(instances.some((instance) => instance.id === web.instanceId)).toBe(false);
  });
});
