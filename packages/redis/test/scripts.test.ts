import { RedisExecutor } from "@hop/redis-protocol";
import { startRedisServer, type RedisServer } from "@hop/test-harness";
import { Redis } from "@upstash/redis";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createRedisClient, luaScript, runLuaScript, TcpRequester, type RedisClient } from "../src";

// runLuaScript on a real Redis: straight to the TCP executor for clients createRedisClient made with TCP,
// through @upstash/redis for any other client (as the HTTP one), the text sent again after Redis forgot it.
let redisServer: RedisServer;
let tcp: RedisClient;
let otherExecutor: RedisExecutor;
let other: Redis;
beforeAll(async () => {
  redisServer = await startRedisServer();
  tcp = createRedisClient({ REDIS_URL: redisServer.url });
  otherExecutor = new RedisExecutor({ url: redisServer.url });
  other = new Redis(new TcpRequester(otherExecutor));
});
afterAll(async () => {
  await tcp?.close();
  await otherExecutor?.close();
  await redisServer?.dispose();
});
beforeEach(async () => {
  await tcp.redis.flushall();
  await tcp.redis.scriptFlush();
});

// Returns the stored value (JSON-looking text) and the arguments it was given, so keys, arguments and the reply's shape all show.
const script = luaScript(`redis.call('SET', KEYS[1], ARGV[1]) return {redis.call('GET', KEYS[1]), KEYS[2], ARGV[2], #ARGV}`);

describe("runLuaScript", () => {
  it("over TCP, runs the script by its SHA, sends the text when Redis lacks it, and gives text replies as sent", async () => {
    expect(script.sha).toMatch(/^[0-9a-f]{40}$/);
    const first = await runLuaScript(tcp.redis, script, ["hop:test:a", "hop:test:b"], ['{"n":1}', "two", "", "ü"]);
    expect(first).toEqual(['{"n":1}', "hop:test:b", "two", 4]);
    expect(await tcp.redis.scriptExists(script.sha)).toEqual([1]);
    const second = await runLuaScript(tcp.redis, script, ["hop:test:a", "k"], ["x", "y"]);
    expect(second).toEqual(["x", "k", "y", 2]);
  });

  it("through @upstash/redis for a client without the TCP executor (as over HTTP), with the same NOSCRIPT recovery", async () => {
    expect(await runLuaScript(other, script, ["hop:test:c", "k"], ["7", "z"])).toEqual([7, "k", "z", 2]);
    await tcp.redis.scriptFlush();
    expect(await runLuaScript(other, script, ["hop:test:c", "k"], ["8", "z"])).toEqual([8, "k", "z", 2]);
    expect(await tcp.redis.get("hop:test:c")).toBe(8);
  });

  it("rejects a script error, and a TCP client whose Redis is away", async () => {
    await expect(runLuaScript(tcp.redis, luaScript("return redis.call('NOSUCHCOMMAND')"), [], [])).rejects.toThrow(/unknown command|Unknown Redis command/i);
    const away = createRedisClient({ REDIS_URL: "redis://127.0.0.1:1" }, { commandTimeoutMs: 200 });
    try {
      await expect(runLuaScript(away.redis, script, ["hop:test:d", "k"], ["1", "2"])).rejects.toThrow();
    } finally {
      await away.close();
    }
  });
});
