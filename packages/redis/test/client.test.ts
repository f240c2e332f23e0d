import { parseEnv } from "@hop/config";
import { startRedisServer, type RedisServer } from "@hop/test-harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRedisClient, redisEnvSchema, redisKeys, runRedisCommand } from "../src";

let redisServer: RedisServer;
beforeAll(async () => {
  redisServer = await startRedisServer();
});
afterAll(async () => {
  await redisServer.dispose();
});

describe("createRedisClient", () => {
  it("talks TCP when REDIS_URL is set, even if a REST URL is set too", async () => {
    const client = createRedisClient(
      parseEnv(redisEnvSchema, { REDIS_URL: redisServer.url, UPSTASH_REDIS_REST_URL: "http://127.0.0.1:1", UPSTASH_REDIS_REST_TOKEN: "t" }),
    );
    try {
      expect(client.transport).toBe("tcp");
      expect(await client.redis.set(redisKeys.lock("test"), "held")).toBe("OK");
      expect(await client.redis.get(redisKeys.lock("test"))).toBe("held");
    } finally {
      await client.close();
    }
  });

  it("opens as many shared connections as asked (the web's one), two by default", async () => {
    const env = parseEnv(redisEnvSchema, { REDIS_URL: redisServer.url });
    const single = createRedisClient(env, { connectionName: "test-single", sharedConnections: 1 });
    const pair = createRedisClient(env, { connectionName: "test-pair" });
    try {
      // Commands from separate callbacks, as visits arrive: every shared connection is put to use.
      const getFromSeparateCallbacks = (client: typeof single) =>
        Promise.all(Array.from({ length: 8 }, (_, i) => new Promise((resolve) => setImmediate(resolve)).then(() => client.redis.get(`hop:test:${i}`))));
      await getFromSeparateCallbacks(single);
      await getFromSeparateCallbacks(pair);
      const clients = String(await runRedisCommand(single.redis, ["CLIENT", "LIST"]));
      const named = (name: string) => clients.split("\n").filter((line) => line.includes(` name=${name} `)).length;
      expect(named("test-single")).toBe(1);
      expect(named("test-pair")).toBe(2);
    } finally {
      await Promise.all([single.close(), pair.close()]);
    }
  });

  it("talks HTTP with only the REST URL and token", () => {
    const client = createRedisClient(parseEnv(redisEnvSchema, { UPSTASH_REDIS_REST_URL: "http://127.0.0.1:8079", UPSTASH_REDIS_REST_TOKEN: "t" }));
    expect(client.transport).toBe("http");
  });

  it("refuses a configuration without Redis, or with half of the REST pair", () => {
    expect(() => parseEnv(redisEnvSchema, {})).toThrow(/REDIS_URL is required \(or UPSTASH_REDIS_REST_URL/);
    expect(() => parseEnv(redisEnvSchema, { UPSTASH_REDIS_REST_URL: "http://x" })).toThrow(/UPSTASH_REDIS_REST_TOKEN is required/);
    expect(() => parseEnv(redisEnvSchema, { REDIS_URL: "localhost:6379" })).toThrow(/REDIS_URL must be a redis:\/\//);
  });
});

describe("redisKeys", () => {
  it("puts every key under the hop: prefix", () => {
    const keys = [redisKeys.instance("web", "a"), redisKeys.session("s"), redisKeys.link("x"), redisKeys.clickStream(), redisKeys.rateLimit("signin")];
    for (const key of keys) expect(key).toMatch(/^hop:/);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
