import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { redisPing, startRedisServer, waitFor, type RedisServer } from "@hop/test-harness";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { RedisExecutor } from "../src";
import { maxReconnectDelayMs, openConnection, waitUntilReady } from "../src/connections";

// What a process sees while Redis restarts: how soon its connections try again, and which connection carries a
// command while only some are back.
let redisServer: RedisServer;
let executor: RedisExecutor;
beforeAll(async () => {
  redisServer = await startRedisServer();
  // As every Hop process has it: two shared connections.
  executor = new RedisExecutor({ url: redisServer.url, sharedConnections: 2 });
  await executor.waitUntilReady(5_000);
});
afterAll(async () => {
  await executor?.close();
  await redisServer?.dispose();
});

describe("while Redis restarts", () => {
  it("a connection tries again at most a quarter second apart, however long Redis stays away", async () => {
    const connection = openConnection({ url: redisServer.url, commandTimeoutMs: 2_000, connectionName: "reconnect-test" });
    const delays: number[] = [];
    connection.on("reconnecting", (delay: number) => delays.push(delay));
    try {
      await vi.waitFor(() => expect(connection.status).toBe("ready"), { timeout: 5_000 });
      await redisServer.stop();
      try {
        // Long enough for a backoff that grows by 100 ms an attempt to pass 500 ms.
        await new Promise((resolve) => setTimeout(resolve, 2_500));
      } finally {
        await redisServer.start();
      }
      expect(delays.length).toBeGreaterThanOrEqual(5);
      expect(Math.max(...delays)).toBeLessThanOrEqual(maxReconnectDelayMs);
      await vi.waitFor(() => expect(connection.status).toBe("ready"), { timeout: maxReconnectDelayMs + 1_000, interval: 10 });
    } finally {
      connection.disconnect();
    }
  });

  it("commands pass over a shared connection that is down while another is up", async () => {
    await vi.waitFor(() => expect(executor.isReady).toBe(true), { timeout: 5_000 });
    const victim = await executor.run(["CLIENT", "ID"]);
    // Its own kill, from a connection of its own: the victim learns of it by its socket closing.
    const killer = openConnection({ url: redisServer.url, commandTimeoutMs: 2_000, connectionName: "killer" });
    try {
      await waitUntilReady(killer, 5_000);
      await killer.call("CLIENT", "KILL", "ID", String(victim));
    } finally {
      killer.disconnect();
    }
    await vi.waitFor(() => expect(executor.isReady).toBe(false), { interval: 1, timeout: 2_000 });
    // Dealt out one by one, every second command would go to the connection that is down and fail at once.
    const replies = await Promise.all(Array.from({ length: 6 }, () => executor.run(["PING"])));
    expect(replies.map(String)).toEqual(Array(6).fill("PONG"));
  });
});

describe("while a restarted Redis loads its data", () => {
  it("commands succeed within a few hundred ms of Redis answering again, not a second later", async () => {
    // A Redis that keeps its data (append-only file), with enough of it that loading takes a while after a restart:
    // its port is open and it answers LOADING meanwhile, as a real restart with persistence does.
    const dataDir = mkdtempSync(join(tmpdir(), "hop-redis-loading-"));
    const persistent = await startRedisServer({ dataDir });
    const loader = new RedisExecutor({ url: persistent.url, sharedConnections: 2 });
    try {
      await loader.waitUntilReady(5_000);
      // In slices a command's timeout allows.
      for (let slice = 0; slice < 5; slice++)
        await loader.run(["EVAL", "for i = ARGV[1] + 1, ARGV[1] + 100000 do redis.call('SET', 'key:' .. i, i) end return 1", "0", String(slice * 100_000)]);
      await loader.run(["BGREWRITEAOF"]);
      await vi.waitFor(
        async () => expect(String(await loader.run(["INFO", "persistence"]))).toMatch(/aof_rewrite_in_progress:0[\s\S]*aof_rewrite_scheduled:0/),
        {
          timeout: 30_000,
          interval: 100,
        },
      );
      await persistent.stop();
      await persistent.start();

      // When Redis itself answers again (loading done), asked over a bare socket (ioredis has its own idea of
      // readiness), and when the executor's commands first succeed.
      const [answeredAt, servedAt] = await Promise.all([
        waitFor(
          () => redisPing(persistent.port),
          (reply) => reply === "+PONG",
          20_000,
          5,
        ).then(() => Date.now()),
        waitFor(
          () => loader.run(["PING"]).catch(() => null),
          (reply) => String(reply) === "PONG",
          20_000,
          5,
        ).then(() => Date.now()),
      ]);
      expect(String(await loader.run(["DBSIZE"]))).toBe("500000");
      // ioredis re-checks a loading server after loading_eta_seconds (a second at least) unless told otherwise: 600-800 ms.
      expect(servedAt - answeredAt).toBeLessThan(300);
    } finally {
      await loader.close();
      await persistent.dispose();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
