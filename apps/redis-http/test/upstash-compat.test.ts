import { createRedisClient, TcpRequester, type Redis } from "@hop/redis";
import { RedisExecutor } from "@hop/redis-protocol";
import { startRedisServer, type RedisServer } from "@hop/test-harness";
import { Ratelimit } from "@upstash/ratelimit";
import { Redis as UpstashRedis } from "@upstash/redis";
import { Redis as RawRedis } from "ioredis";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startGateway, type RunningGateway } from "./gateway-harness";

/**
 * @upstash/redis itself, over both of Hop's transports: HTTP through the
 * gateway, and TCP through the requester. Every case runs on each, so the two
 * cannot drift apart.
 */
type Transport = "http-gateway" | "tcp-requester";

let redisServer: RedisServer;
let gateway: RunningGateway;
let raw: RawRedis;
const clients = new Map<Transport, { redis: Redis; close(): Promise<void> }>();

beforeAll(async () => {
  redisServer = await startRedisServer();
  gateway = await startGateway(redisServer.url);
  raw = new RawRedis(redisServer.url);
  clients.set("http-gateway", {
    // retry: false so that a 503 while Redis is down surfaces at once.
    redis: new UpstashRedis({ url: gateway.url, token: gateway.token, retry: false, enableTelemetry: false }),
    close: async () => undefined,
  });
  const tcp = createRedisClient({ REDIS_URL: redisServer.url });
  clients.set("tcp-requester", { redis: tcp.redis, close: tcp.close });
});
afterAll(async () => {
  for (const client of clients.values()) await client.close();
  raw.disconnect();
  await gateway.close();
  await redisServer.dispose();
});

describe.each<Transport>(["http-gateway", "tcp-requester"])("@upstash/redis over %s", (transport) => {
  let redis: Redis;
  beforeEach(async () => {
    redis = clients.get(transport)!.redis;
    await raw.flushall();
  });

  it("strings, JSON values and expiry", async () => {
    expect(await redis.set("s", "hello", { ex: 100 })).toBe("OK");
    expect(await redis.get("s")).toBe("hello");
    expect(await redis.ttl("s")).toBeGreaterThan(90);
    expect(await redis.pexpire("s", 50_000)).toBe(1);
    expect(await redis.pttl("s")).toBeLessThanOrEqual(50_000);
    expect(await redis.persist("s")).toBe(1);
    expect(await redis.ttl("s")).toBe(-1);
    await redis.set("json", { name: "hop", tags: ["a", "b"], n: 3 });
    expect(await redis.get("json")).toEqual({ name: "hop", tags: ["a", "b"], n: 3 });
    expect(await redis.incrby("counter", 7)).toBe(7);
    expect(await redis.mget("s", "counter", "missing")).toEqual(["hello", 7, null]);
    expect(await redis.del("s", "counter")).toBe(2);
    expect(await redis.exists("s")).toBe(0);
  });

  it("hashes, sets, sorted sets and lists", async () => {
    await redis.hset("h", { a: 1, b: "two" });
    expect(await redis.hgetall("h")).toEqual({ a: 1, b: "two" });
    expect(await redis.hincrby("h", "a", 2)).toBe(3);
    expect(await redis.hdel("h", "b")).toBe(1);

    expect(await redis.sadd("set", "x", "y", "z")).toBe(3);
    expect((await redis.smembers("set")).sort()).toEqual(["x", "y", "z"]);
    expect(await redis.sismember("set", "y")).toBe(1);

    await redis.zadd("z", { score: 2, member: "b" }, { score: 1, member: "a" });
    expect(await redis.zincrby("z", 5, "a")).toBe(6);
    // Upstash answers member, score, member, score: one flat list.
    expect(await redis.zrange("z", 0, -1, { withScores: true })).toEqual(["b", 2, "a", 6]);
    expect(await redis.zrank("z", "a")).toBe(1);

    expect(await redis.rpush("list", "1", "2", "3")).toBe(3);
    expect(await redis.lpush("list", "0")).toBe(4);
    expect(await redis.lrange("list", 0, -1)).toEqual([0, 1, 2, 3]);
    expect(await redis.lpop("list")).toBe(0);
  });

  it("SCAN walks every key", async () => {
    const names = Array.from({ length: 120 }, (_, i) => `scan:${i}`);
    await Promise.all(names.map((name) => redis.set(name, 1)));
    const seen = new Set<string>();
    let cursor: string | number = 0;
    do {
      const [next, keys]: [string | number, string[]] = await redis.scan(cursor, { match: "scan:*", count: 25 });
      for (const key of keys) seen.add(key);
      cursor = next;
    } while (String(cursor) !== "0");
    expect([...seen].sort()).toEqual([...names].sort());
  });

  it("streams: XADD, XREADGROUP, XACK, XPENDING, XAUTOCLAIM, XINFO", async () => {
    await redis.xgroup("stream", { type: "CREATE", group: "workers", id: "0", options: { MKSTREAM: true } });
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push(await redis.xadd("stream", "*", { event: `e${i}` }));
    // Upstash answers a read of one stream as a list of one [stream, entries].
    const read = (await redis.xreadgroup("workers", "alice", "stream", ">", { count: 10 })) as [string, [string, string[]][]][];
    expect(read).toHaveLength(1);
    expect(read[0]?.[0]).toBe("stream");
    expect(read[0]?.[1].map(([id]) => id)).toEqual(ids);
    expect(read[0]?.[1][0]?.[1]).toEqual(["event", "e0"]);
    expect(await redis.xack("stream", "workers", ids[0]!)).toBe(1);
    const pending = (await redis.xpending("stream", "workers", "-", "+", 10)) as [string, string, number, number][];
    expect(pending.map(([id, consumer]) => [id, consumer])).toEqual([
      [ids[1], "alice"],
      [ids[2], "alice"],
    ]);
    const claimed = (await redis.xautoclaim("stream", "workers", "bob", 0, "0-0", { count: 10 })) as [string, [string, string[]][]];
    expect(claimed[1].map(([id]) => id)).toEqual([ids[1], ids[2]]);
    const groups = (await redis.xinfo("stream", { type: "GROUPS" })) as unknown[][];
    const workers = groups[0] ?? [];
    expect(workers[workers.indexOf("name") + 1]).toBe("workers");
    expect(workers[workers.indexOf("pending") + 1]).toBe(2);
  });

  it("answers in Upstash's shapes: pairs flat, reads of several streams as [stream, entries] each", async () => {
    await redis.zadd("z1", { score: 1, member: "one" }, { score: 2, member: "two" });
    await redis.zadd("z2", { score: 3, member: "three" });
    expect(await redis.zunion(2, ["z1", "z2"], { withScores: true })).toEqual(["one", 1, "two", 2, "three", 3]);
    expect(await redis.zadd("z2", { incr: true }, { score: 2, member: "three" })).toBe(5);
    expect(await redis.zdiffstore("zd", 2, "z1", "z2")).toBe(2);
    expect(await redis.zrange("zd", 0, -1, { withScores: true })).toEqual(["one", 1, "two", 2]);
    await redis.hset("h", { field: "value" });
    expect(await redis.hrandfield("h", 1, true)).toEqual({ field: "value" });
    await redis.geoadd("places", { longitude: 13.361389, latitude: 38.115556, member: "Palermo" });
    expect(
      await redis.geosearchstore(
        "near",
        "places",
        { type: "FROMLONLAT", coordinate: { lon: 15, lat: 37 } },
        { type: "BYRADIUS", radius: 200, radiusType: "KM" },
        "ASC",
      ),
    ).toBe(1);
    expect(await redis.zrange("near", 0, -1, { withScores: true })).toEqual(["Palermo", 3479099956230698]);
    const first = await redis.xadd("s1", "*", { a: "1" });
    const second = await redis.xadd("s2", "*", { b: "2" });
    expect(await redis.xread(["s1", "s2"], ["0", "0"])).toEqual([
      ["s1", [[first, ["a", 1]]]],
      ["s2", [[second, ["b", 2]]]],
    ]);
    const [popped, ranged] = await redis.pipeline().zpopmin("z1", 2).zrange("z2", 0, -1, { withScores: true }).exec();
    expect([popped, ranged]).toEqual([
      ["one", 1, "two", 2],
      ["three", 5],
    ]);
    const [poppedMax, union] = await redis.multi().zpopmax("z2", 5).zunion(1, ["zd"], { withScores: true }).exec();
    expect([poppedMax, union]).toEqual([
      ["three", 5],
      ["one", 1, "two", 2],
    ]);
  });

  it("does not run a script by EVALSHA after SCRIPT FLUSH", async () => {
    const script = "#!lua flags=no-writes\nreturn 'ran'";
    const sha = await redis.scriptLoad(script);
    expect(await redis.evalsha(sha, [], [])).toBe("ran");
    expect(await redis.scriptFlush()).toBe("OK");
    expect(await redis.scriptExists(sha)).toEqual([0]);
    await expect(redis.evalsha(sha, [], [])).rejects.toThrow(/NOSCRIPT/);
    // A Script falls back to EVAL, which teaches Redis the script again.
    expect(await redis.createScript<string>(script).exec([], [])).toBe("ran");
    expect(await redis.evalsha(sha, [], [])).toBe("ran");
  });

  it("subscribe() and psubscribe() receive what is published, each on a Redis connection of its own", async () => {
    const channel = `news:${transport}`;
    const subscriber = redis.subscribe<{ text: string }>([channel]);
    const patternSubscriber = redis.psubscribe<string>(["news:*"]);
    const messages: unknown[] = [];
    const patternMessages: unknown[] = [];
    const confirmations: number[] = [];
    subscriber.on("subscribe", (count) => confirmations.push(count));
    patternSubscriber.on("psubscribe", (count) => confirmations.push(count));
    subscriber.on("message", (event) => messages.push(event));
    patternSubscriber.on("pmessage", (event) => patternMessages.push(event));
    await eventually(async () => expect(confirmations).toEqual([1, 1]));
    expect(await redis.publish(channel, { text: "first" })).toBe(2);
    expect(await redis.publish(channel, { text: "second" })).toBe(2);
    await eventually(async () => {
      expect(messages).toEqual([
        { channel, message: { text: "first" } },
        { channel, message: { text: "second" } },
      ]);
      expect(patternMessages).toHaveLength(2);
    });
    expect(patternMessages[0]).toEqual({ pattern: "news:*", channel, message: { text: "first" } });
    await subscriber.unsubscribe();
    await patternSubscriber.unsubscribe();
    // Leaving closes the subscription's connection: nobody hears the channel any more.
    await eventually(async () => expect(await raw.pubsub("NUMSUB", channel)).toEqual([channel, 0]));
    await eventually(async () => expect(await raw.pubsub("NUMPAT")).toBe(0));
  });

  it("refuses server administration and keeps what the client offers (FLUSHDB)", async () => {
    await expect(redis.exec(["CONFIG", "SET", "maxmemory", "1"])).rejects.toThrow(/CONFIG SET is refused/);
    await expect(redis.exec(["SHUTDOWN", "NOSAVE"])).rejects.toThrow(/SHUTDOWN is refused/);
    await expect(redis.exec(["ACL", "SETUSER", "mallory", "on"])).rejects.toThrow(/ACL SETUSER is refused/);
    expect(await raw.config("GET", "maxmemory")).toEqual(["maxmemory", "0"]);
    expect(await redis.flushdb()).toBe("OK");
  });

  it("refuses a blocking read with a clear error instead of hanging", async () => {
    await redis.xadd("stream", "*", { a: 1 });
    await expect(redis.xread("stream", "$", { blockMS: 5_000 })).rejects.toThrow(/BLOCK is refused/);
  });

  it("carries binary, emoji and a 5 MiB value intact", async () => {
    const text = "nul\u0000 ctrl\u0001 é ü 世界 🚀🔗 \uD83D\uDE00";
    await redis.set("text", text);
    expect(await redis.get("text")).toBe(text);
    const big = "🔗".repeat((5 * 1024 * 1024) / 4);
    await redis.set("big", big);
    expect(await raw.strlen("big")).toBe(5 * 1024 * 1024);
    expect(await redis.get("big")).toBe(big);
  });

  it("keeps 200 concurrent auto-pipelined calls apart", async () => {
    const values = Array.from({ length: 200 }, (_, i) => `value-${i}-${transport}`);
    await Promise.all(values.map((value, i) => redis.set(`k${i}`, value)));
    const read = await Promise.all(values.map((_, i) => redis.get(`k${i}`)));
    expect(read).toEqual(values);
    const mixed = await Promise.all(values.map((_, i) => (i % 2 ? redis.incr(`n${i}`) : redis.get(`k${i}`))));
    for (const [i, reply] of mixed.entries()) expect(reply).toBe(i % 2 ? 1 : values[i]);
  });

  it("runs 50 concurrent transactions, each atomic", async () => {
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => redis.multi().incr("tx:counter").incr("tx:counter").set(`tx:${i}`, i).get(`tx:${i}`).exec()),
    );
    const firsts = results.map(([first, second, ok, value], i) => {
      // Nothing can slip between the two INCRs of one transaction.
      expect(second).toBe((first as number) + 1);
      expect(ok).toBe("OK");
      expect(value).toBe(i);
      return first as number;
    });
    expect(firsts.sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => 2 * i + 1));
  });

  it("runs Lua scripts with a shebang line, by EVAL and EVALSHA", async () => {
    const script = "#!lua flags=allow-key-locking\nreturn redis.call('INCRBY', KEYS[1], ARGV[1])";
    expect(await redis.eval(script, ["lua"], [5])).toBe(5);
    const sha = await redis.scriptLoad(script);
    expect(sha).toBe(await sha1(script));
    expect(await redis.evalsha(sha, ["lua"], [2])).toBe(7);
    expect(await redis.scriptExists(sha)).toEqual([1]);
  });

  it.each([
    ["fixed window", Ratelimit.fixedWindow(5, "60 s")],
    ["sliding window", Ratelimit.slidingWindow(5, "60 s")],
    ["token bucket", Ratelimit.tokenBucket(1, "60 s", 5)],
  ])("@upstash/ratelimit %s allows exactly its limit", async (_name, limiter) => {
    const ratelimit = new Ratelimit({ redis, limiter, prefix: `rl:${transport}`, timeout: 0, ephemeralCache: false });
    const noscriptBefore = await noscriptErrors();
    const outcomes = [];
    for (let i = 0; i < 7; i++) outcomes.push(await ratelimit.limit("user-1"));
    expect(outcomes.map((outcome) => outcome.success)).toEqual([true, true, true, true, true, false, false]);
    expect(outcomes.map((outcome) => outcome.remaining).slice(0, 5)).toEqual([4, 3, 2, 1, 0]);
    // Another identifier has its own budget.
    expect((await ratelimit.limit("user-2")).success).toBe(true);
    // The script is learned once, not re-sent after a NOSCRIPT on every call.
    expect((await noscriptErrors()) - noscriptBefore).toBeLessThanOrEqual(1);
  });
});

describe.each<Transport>(["http-gateway", "tcp-requester"])("Redis stopped and restarted, over %s", (transport) => {
  it("fails clearly while Redis is down and recovers without a restart", async () => {
    const redis = clients.get(transport)!.redis;
    // The other transport's case restarted Redis just before: its connections may still be on their way back.
    await eventually(async () => expect(await redis.set("survivor", "before")).toBe("OK"));
    await redisServer.stop();
    await expect(redis.get("survivor")).rejects.toThrow(/unreachable/i);
    if (transport === "http-gateway") {
      expect(await (await fetch(`${gateway.url}/`)).json()).toMatchObject({ redis: "unavailable" });
      expect((await fetch(`${gateway.url}/ready`)).status).toBe(503);
    }
    await redisServer.start();
    await eventually(async () => expect(await redis.set("survivor", "after")).toBe("OK"));
    expect(await redis.get("survivor")).toBe("after");
    const [a, b] = await redis.multi().incr("after-restart").incr("after-restart").exec();
    expect([a, b]).toEqual([1, 2]);
  });
});

async function noscriptErrors(): Promise<number> {
  const info = await raw.info("errorstats");
  return Number(/errorstat_NOSCRIPT:count=(\d+)/.exec(info)?.[1] ?? 0);
}

async function sha1(text: string): Promise<string> {
  const { createHash } = await import("node:crypto");
  return createHash("sha1").update(text).digest("hex");
}

async function eventually(check: () => Promise<void>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

describe("a script that outruns the command timeout, over the TCP requester", () => {
  it("is stopped with SCRIPT KILL instead of leaving Redis blocked", async () => {
    const executor = new RedisExecutor({ url: redisServer.url, commandTimeoutMs: 500 });
    try {
      await raw.config("SET", "busy-reply-threshold", "100");
      const redis = new UpstashRedis(new TcpRequester(executor));
      const slowScript = "local t0 = tonumber(redis.call('TIME')[1]) while tonumber(redis.call('TIME')[1]) < t0 + 8 do end return 1";
      await expect(redis.eval(slowScript, [], [])).rejects.toThrow(/did not answer in time/);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(await raw.ping()).toBe("PONG");
      expect(await redis.ping()).toBe("PONG");
    } finally {
      await raw.config("SET", "busy-reply-threshold", "5000");
      await executor.close();
    }
  });
});
