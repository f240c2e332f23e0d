import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createRedisClient, redisKeys, type RedisClient } from "@hop/redis";
import { freePort, startRedisServer, waitFor, waitForPort, type RedisServer } from "@hop/test-harness";
import type { InstanceRecord } from "@hop/validators";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listLiveInstances, livenessIndexPruneAfterMs, startHeartbeat, type Heartbeat } from "../src";

// Heartbeats and the live list on a real redis-server, over TCP and (one
// case) over HTTP through the gateway's build artefact.
const gatewayEntry = fileURLToPath(new URL("../../../apps/redis-http/dist/main.js", import.meta.url));
const gatewayToken = "presence-test-token-0123456789";
let redisServer: RedisServer;
let redis: RedisClient;
let gateway: ChildProcess | undefined;
let gatewayUrl: string;

beforeAll(async () => {
  if (!existsSync(gatewayEntry)) throw new Error(`${gatewayEntry} is missing: run \`pnpm build\` (pnpm test does) first`);
  redisServer = await startRedisServer();
  redis = createRedisClient({ REDIS_URL: redisServer.url });
  const port = await freePort();
  gateway = spawn(process.execPath, [gatewayEntry], {
    env: { PATH: process.env.PATH ?? "", LOG_LEVEL: "warn", REDIS_URL: redisServer.url, REDIS_HTTP_TOKEN: gatewayToken, PORT: String(port), HOST: "127.0.0.1" },
    stdio: "ignore",
  });
  gatewayUrl = `http://127.0.0.1:${port}`;
  await waitForPort(port, 10_000);
});
afterAll(async () => {
  gateway?.kill("SIGKILL");
  await redis?.close();
  await redisServer?.dispose();
});

const describeWorker = (id: string) => (): Omit<InstanceRecord, "lastHeartbeatAt"> => ({
  kind: "worker",
  id,
  host: "h",
  pid: 1,
  version: "0.1.0",
  buildId: "b",
  url: null,
  startedAt: new Date().toISOString(),
  jobWorkerIds: [],
});

/** Calls of each Redis command so far, from INFO commandstats (read inside a script: the client has no INFO). */
async function commandCalls(): Promise<Map<string, number>> {
  const info = await redis.redis.eval<[], string>("return redis.call('INFO', 'commandstats')", [], []);
  const calls = new Map<string, number>();
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) calls.set(match[1]!, Number(match[2]));
  return calls;
}

describe("the live-instance list", () => {
  it("drops a process that stops beating within its TTL, though nobody deleted its record", async () => {
    // The process's own connection is lost (as when it is killed): its beats fail, nothing deletes its record.
    const doomedClient = createRedisClient({ REDIS_URL: redisServer.url });
    const intervalMs = 200;
    const ttlMs = 3 * intervalMs;
    let doomed: Heartbeat | undefined;
    let survivor: Heartbeat | undefined;
    try {
      doomed = await startHeartbeat({ redis: doomedClient.redis, describe: describeWorker("worker-doomed"), intervalMs, onError: () => undefined });
      survivor = await startHeartbeat({ redis: redis.redis, describe: describeWorker("worker-survivor"), intervalMs });
      expect((await listLiveInstances(redis.redis)).map((instance) => instance.id).sort()).toEqual(["worker-doomed", "worker-survivor"]);

      const lostAt = Date.now();
      await doomedClient.close();
      const live = await waitFor(
        () => listLiveInstances(redis.redis),
        (all) => !all.some((instance) => instance.id === "worker-doomed"),
        5_000,
        20,
      );
      // Its last beat was before the loss, so it is gone by then + TTL (plus slack for polling on a busy machine).
      expect(Date.now() - lostAt).toBeLessThanOrEqual(ttlMs + 400);
      expect(live.map((instance) => instance.id)).toEqual(["worker-survivor"]);
    } finally {
      await doomed?.stop();
      await survivor?.stop();
      await doomedClient.close().catch(() => undefined);
    }
  });

  it("works the same over HTTP (the gateway): beat, list, stop", async () => {
    const http = createRedisClient({ UPSTASH_REDIS_REST_URL: gatewayUrl, UPSTASH_REDIS_REST_TOKEN: gatewayToken });
    const heartbeat = await startHeartbeat({ redis: http.redis, describe: describeWorker("worker-over-http") });
    try {
      expect((await listLiveInstances(http.redis)).map((instance) => instance.id)).toContain("worker-over-http");
      expect((await listLiveInstances(redis.redis)).map((instance) => instance.id)).toContain("worker-over-http");
    } finally {
      await heartbeat.stop();
      await http.close();
    }
    expect((await listLiveInstances(redis.redis)).map((instance) => instance.id)).not.toContain("worker-over-http");
  });

  it("leaves the list at once on a clean stop", async () => {
    const heartbeat = await startHeartbeat({ redis: redis.redis, describe: describeWorker("worker-clean") });
    expect((await listLiveInstances(redis.redis)).map((instance) => instance.id)).toContain("worker-clean");
    await heartbeat.stop();
    expect((await listLiveInstances(redis.redis)).map((instance) => instance.id)).not.toContain("worker-clean");
    expect(await redis.redis.zscore(redisKeys.instances(), redisKeys.instance("worker", "worker-clean"))).toBeNull();
  });

  it("reads the index, never the keyspace: 200,000 other keys cost nothing, and stale index entries are pruned", async () => {
    // Keys that a SCAN would have to walk, some even named like instance records.
    await redis.redis.eval<[string], number>("for i = 1, tonumber(ARGV[1]) do redis.call('SET', 'other:' .. i, 'x') end return 1", [], ["200000"]);
    for (let i = 0; i < 50; i++) await redis.redis.set(redisKeys.instance("web", `not-a-process-${i}`), { junk: true }, { px: 60_000 });
    // An index entry whose process died long ago (as if its host crashed before any reader pruned it).
    const longGone = redisKeys.instance("worker", "long-gone");
    await redis.redis.zadd(redisKeys.instances(), { score: Date.now() - 2 * livenessIndexPruneAfterMs, member: longGone });

    const heartbeat = await startHeartbeat({ redis: redis.redis, describe: describeWorker("worker-live") });
    try {
      const before = await commandCalls();
      const live = await listLiveInstances(redis.redis);
      const after = await commandCalls();
      expect(live.map((instance) => instance.id)).toEqual(["worker-live"]);
      const delta = (command: string) => (after.get(command) ?? 0) - (before.get(command) ?? 0);
      expect(delta("scan")).toBe(0);
      expect(delta("keys")).toBe(0);
      // A bounded number of commands, whatever the size of the keyspace (the eval is the INFO read above).
      const total = [...after.keys()].reduce((sum, command) => sum + delta(command), 0);
      expect(total).toBeLessThanOrEqual(5);
      expect(await redis.redis.zscore(redisKeys.instances(), longGone)).toBeNull();
    } finally {
      await heartbeat.stop();
    }
  });
});
