import { startRedisServer, type RedisServer } from "@hop/test-harness";
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
