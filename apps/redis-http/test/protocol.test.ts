import { startRedisServer, type RedisServer } from "@hop/test-harness";
import { Redis as RawRedis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type RunningGateway } from "./gateway-harness";

// The wire protocol itself, as Upstash answers it, checked with plain fetch.
let redisServer: RedisServer;
let gateway: RunningGateway;
let raw: RawRedis;

beforeAll(async () => {
  redisServer = await startRedisServer();
  gateway = await startGateway(redisServer.url, { maxBodyBytes: 1024 * 1024 });
  raw = new RawRedis(redisServer.url);
});
afterAll(async () => {
  raw.disconnect();
  await gateway.close();
  await redisServer.dispose();
});

type Json = { result?: unknown; error?: string } & Record<string, unknown>;
const json = async (response: Response) => (await response.json()) as Json;
const jsonList = async (response: Response) => (await response.json()) as Json[];

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${gateway.url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${gateway.token}`, "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

describe("authentication and methods", () => {
  it("answers GET / with a health reply and no token", async () => {
    const response = await fetch(`${gateway.url}/`);
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual({ status: "ok", redis: "ready" });
  });

  it("refuses a missing token with 401", async () => {
    const response = await fetch(gateway.url, { method: "POST", body: JSON.stringify(["PING"]) });
    expect(response.status).toBe(401);
    expect((await json(response)).error).toMatch(/Unauthorized/);
  });

  it("refuses a wrong token with 401, of any length", async () => {
    for (const token of ["x", `${gateway.token}x`, gateway.token.replace(/.$/, "?")]) {
      const response = await post("/", ["SET", "auth", "stolen"], { authorization: `Bearer ${token}` });
      expect(response.status).toBe(401);
    }
    expect(await raw.exists("auth")).toBe(0);
  });

  it("accepts the token as the _token query parameter", async () => {
    const response = await fetch(`${gateway.url}/?_token=${gateway.token}`, { method: "POST", body: JSON.stringify(["PING"]) });
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual({ result: "PONG" });
  });

  it("answers other methods with 405", async () => {
    for (const method of ["PUT", "DELETE", "PATCH"]) {
      const response = await fetch(gateway.url, { method, headers: { authorization: `Bearer ${gateway.token}` } });
      expect(response.status).toBe(405);
      expect(response.headers.get("allow")).toContain("POST");
    }
  });

  it("answers an unknown endpoint with 404", async () => {
    const response = await post("/nope", ["PING"]);
    expect(response.status).toBe(404);
  });
});

describe("commands", () => {
  it("runs one command and answers {result}", async () => {
    expect(await json(await post("/", ["SET", "greeting", "hello"]))).toEqual({ result: "OK" });
    expect(await json(await post("/", ["GET", "greeting"]))).toEqual({ result: "hello" });
    expect(await json(await post("/", ["INCRBY", "counter", 5]))).toEqual({ result: 5 });
    expect(await json(await post("/", ["GET", "missing"]))).toEqual({ result: null });
  });

  it("answers a Redis error with 400 and {error}", async () => {
    await raw.set("a-string", "x");
    const response = await post("/", ["LPUSH", "a-string", "y"]);
    expect(response.status).toBe(400);
    expect((await json(response)).error).toMatch(/^WRONGTYPE/);
  });

  it("answers malformed bodies with 400 and changes nothing", async () => {
    const bodies = ["{not json", "{}", "[]", "[[1]]", JSON.stringify(["SET", "k", { nested: true }]), JSON.stringify(["SET", "k", null])];
    for (const body of bodies) {
      const response = await post("/", body);
      expect(response.status, body).toBe(400);
      expect(typeof (await json(response)).error).toBe("string");
    }
    expect(await raw.exists("k")).toBe(0);
  });

  it("refuses blocking and connection-state commands with a clear error", async () => {
    const refused = [
      ["BLPOP", "list", "1"],
      ["BRPOP", "list", "1"],
      ["BZPOPMIN", "z", "1"],
      ["XREAD", "BLOCK", "1000", "STREAMS", "s", "$"],
      ["XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">"],
      ["SUBSCRIBE", "channel"],
      ["MULTI"],
      ["SELECT", "1"],
    ];
    for (const command of refused) {
      const started = Date.now();
      const response = await post("/", command);
      expect(response.status, command.join(" ")).toBe(400);
      expect((await json(response)).error).toMatch(/refused/);
      expect(Date.now() - started).toBeLessThan(500);
    }
    // A non-blocking XREAD whose key is literally "block" still passes.
    expect((await post("/", ["XREAD", "COUNT", "1", "STREAMS", "block", "0"])).status).toBe(200);
  });

  it("answers a body over the limit with 413 and keeps serving", async () => {
    const response = await post("/", ["SET", "big", "x".repeat(1024 * 1024 + 1)]);
    expect(response.status).toBe(413);
    expect(await raw.exists("big")).toBe(0);
    expect((await post("/", ["PING"])).status).toBe(200);
  });
});

describe("Upstash-Encoding: base64", () => {
  const base64 = { "upstash-encoding": "base64" };

  it("encodes every string but OK, recursively, and leaves numbers and null alone", async () => {
    await raw.del("list");
    expect(await json(await post("/", ["SET", "enc", "value"], base64))).toEqual({ result: "OK" });
    expect(await json(await post("/", ["GET", "enc"], base64))).toEqual({ result: Buffer.from("value").toString("base64") });
    expect(await json(await post("/", ["PING"], base64))).toEqual({ result: Buffer.from("PONG").toString("base64") });
    expect(await json(await post("/", ["INCR", "n"], base64))).toEqual({ result: 1 });
    expect(await json(await post("/", ["GET", "nothing"], base64))).toEqual({ result: null });
    await raw.rpush("list", "OK", "b");
    expect(await json(await post("/", ["LRANGE", "list", "0", "-1"], base64))).toEqual({
      result: [Buffer.from("OK").toString("base64"), Buffer.from("b").toString("base64")],
    });
  });

  it("carries bytes that are not UTF-8 exactly", async () => {
    const bytes = Buffer.from([0xff, 0xfe, 0x00, 0x80, 0x41]);
    await raw.set("binary", bytes);
    const body = await json(await post("/", ["GET", "binary"], base64));
    expect(Buffer.from(String(body.result), "base64").equals(bytes)).toBe(true);
  });

  it("encodes nested stream replies", async () => {
    await raw.del("events");
    const id = await raw.xadd("events", "*", "field", "välue");
    const body = await json(await post("/", ["XRANGE", "events", "-", "+"], base64));
    const b64 = (text: string) => Buffer.from(text).toString("base64");
    expect(body).toEqual({ result: [[b64(id ?? ""), [b64("field"), b64("välue")]]] });
  });
});

describe("pipelines and transactions", () => {
  it("answers a pipeline in order, with each command's error its own", async () => {
    await raw.set("p-string", "x");
    const response = await post("/pipeline", [
      ["SET", "p1", "1"],
      ["INCR", "p1"],
      ["LPUSH", "p-string", "y"],
      ["GET", "p1"],
    ]);
    expect(response.status).toBe(200);
    const body = await jsonList(response);
    expect(body).toHaveLength(4);
    expect(body[0]).toEqual({ result: "OK" });
    expect(body[1]).toEqual({ result: 2 });
    expect(body[2]?.error).toMatch(/^WRONGTYPE/);
    expect(body[3]).toEqual({ result: "2" });
  });

  it("runs /multi-exec atomically and reports errors at EXEC per command", async () => {
    await raw.set("m-string", "x");
    const body = await jsonList(
      await post("/multi-exec", [
        ["SET", "m1", "1"],
        ["LPUSH", "m-string", "y"],
        ["INCR", "m1"],
      ]),
    );
    expect(body[0]).toEqual({ result: "OK" });
    expect(body[1]?.error).toMatch(/^WRONGTYPE/);
    expect(body[2]).toEqual({ result: 2 });
  });

  it("answers a transaction Redis refuses to queue with 400 and runs none of it", async () => {
    const response = await post("/multi-exec", [
      ["SET", "aborted", "1"],
      ["SET", "only-a-key"],
    ]);
    expect(response.status).toBe(400);
    expect((await json(response)).error).toMatch(/EXECABORT.*wrong number of arguments/);
    expect(await raw.exists("aborted")).toBe(0);
  });
});

describe("replies in Upstash's (RESP2) shapes", () => {
  const entriesOf = (reply: unknown) => (reply as [string, [string, string[]][]][]).map(([stream, entries]) => [stream, entries.map(([, fields]) => fields)]);

  it("answers pairs flat, as Upstash does, in a command, a pipeline and a transaction", async () => {
    await raw.del("shape:z", "shape:z2", "shape:h");
    await raw.zadd("shape:z", 1, "one", 2, "two");
    await raw.zadd("shape:z2", 3, "three");
    await raw.hset("shape:h", "field", "value");
    const withScores = ["one", "1", "two", "2"];
    expect(await json(await post("/", ["ZRANGE", "shape:z", "0", "-1", "WITHSCORES"]))).toEqual({ result: withScores });
    expect(await json(await post("/", ["ZRANGEBYSCORE", "shape:z", "-inf", "+inf", "WITHSCORES"]))).toEqual({ result: withScores });
    expect(await json(await post("/", ["HRANDFIELD", "shape:h", "1", "WITHVALUES"]))).toEqual({ result: ["field", "value"] });
    expect(await json(await post("/", ["ZUNION", "2", "shape:z", "shape:z2", "WITHSCORES"]))).toEqual({ result: [...withScores, "three", "3"] });
    expect(
      await jsonList(
        await post("/pipeline", [
          ["ZRANGE", "shape:z", "0", "-1", "WITHSCORES"],
          ["ZPOPMIN", "shape:z2", "5"],
        ]),
      ),
    ).toEqual([{ result: withScores }, { result: ["three", "3"] }]);
    expect(
      await jsonList(
        await post("/multi-exec", [
          ["ZRANGE", "shape:z", "0", "-1", "WITHSCORES"],
          ["ZPOPMAX", "shape:z", "2"],
        ]),
      ),
    ).toEqual([{ result: withScores }, { result: ["two", "2", "one", "1"] }]);
  });

  it("answers a read over several streams as a list of [stream, entries], also over one stream", async () => {
    await raw.del("shape:s1", "shape:s2");
    await raw.xadd("shape:s1", "*", "a", "1");
    await raw.xadd("shape:s2", "*", "b", "2");
    const several = await json(await post("/", ["XREAD", "COUNT", "10", "STREAMS", "shape:s1", "shape:s2", "0", "0"]));
    expect(entriesOf(several.result)).toEqual([
      ["shape:s1", [["a", "1"]]],
      ["shape:s2", [["b", "2"]]],
    ]);
    await raw.xgroup("CREATE", "shape:s1", "g", "0");
    const [inPipeline] = await jsonList(await post("/pipeline", [["XREADGROUP", "GROUP", "g", "c", "COUNT", "10", "STREAMS", "shape:s1", ">"]]));
    expect(entriesOf(inPipeline?.result)).toEqual([["shape:s1", [["a", "1"]]]]);
  });
});

describe("scripts", () => {
  it("does not run a script by EVALSHA once SCRIPT FLUSH has emptied Redis: SCRIPT EXISTS and EVALSHA agree", async () => {
    const script = "#!lua flags=no-writes\nreturn 42";
    const sha = (await json(await post("/", ["SCRIPT", "LOAD", script]))).result as string;
    expect(await json(await post("/", ["EVALSHA", sha, "0"]))).toEqual({ result: 42 });
    expect(await json(await post("/", ["SCRIPT", "FLUSH"]))).toEqual({ result: "OK" });
    expect(await json(await post("/", ["SCRIPT", "EXISTS", sha]))).toEqual({ result: [0] });
    const single = await post("/", ["EVALSHA", sha, "0"]);
    expect(single.status).toBe(400);
    expect((await json(single)).error).toMatch(/^NOSCRIPT/);
    const [inPipeline] = await jsonList(await post("/pipeline", [["EVALSHA", sha, "0"]]));
    expect(inPipeline?.error).toMatch(/^NOSCRIPT/);
    const inTransaction = await post("/multi-exec", [["EVALSHA", sha, "0"]]);
    expect(JSON.stringify(await inTransaction.json())).toMatch(/NOSCRIPT/);
    // The client's fall-back, EVAL of the full text, teaches the gateway and Redis again.
    expect(await json(await post("/", ["EVAL", script, "0"]))).toEqual({ result: 42 });
    expect(await json(await post("/", ["EVALSHA", sha, "0"]))).toEqual({ result: 42 });
  });
});

describe("what a token holder may not do", () => {
  it("refuses server administration, as Upstash does, and keeps FLUSHDB", async () => {
    const refused = [
      ["CONFIG", "SET", "maxmemory", "1"],
      ["config", "rewrite"],
      ["CONFIG", "RESETSTAT"],
      ["SHUTDOWN", "NOSAVE"],
      ["DEBUG", "SLEEP", "0"],
      ["MODULE", "LOAD", "/tmp/evil.so"],
      ["REPLICAOF", "127.0.0.1", "1"],
      ["SLAVEOF", "127.0.0.1", "1"],
      ["FAILOVER"],
      ["ACL", "SETUSER", "mallory", "on", ">pw", "+@all", "~*"],
      ["ACL", "DELUSER", "default"],
      ["MONITOR"],
      ["MIGRATE", "127.0.0.1", "1", "k", "0", "1000"],
      ["BGSAVE"],
      ["SAVE"],
      ["BGREWRITEAOF"],
      ["CLUSTER", "RESET"],
      ["SLOWLOG", "RESET"],
      ["LATENCY", "RESET"],
    ];
    for (const command of refused) {
      const response = await post("/", command);
      expect(response.status, command.join(" ")).toBe(400);
      expect((await json(response)).error, command.join(" ")).toMatch(/refused/);
      const inPipeline = await post("/pipeline", [["SET", "t", "1"], command]);
      expect(inPipeline.status, command.join(" ")).toBe(400);
      expect((await json(inPipeline)).error, command.join(" ")).toMatch(/refused/);
    }
    expect(await raw.config("GET", "maxmemory")).toEqual(["maxmemory", "0"]);
    expect(await raw.call("ACL", "USERS")).toEqual(["default"]);
    expect(await raw.ping()).toBe("PONG");
    expect(
      (
        await post("/multi-exec", [
          ["SET", "t", "1"],
          ["CONFIG", "SET", "maxmemory", "1"],
        ])
      ).status,
    ).toBe(400);
    expect(await raw.exists("t")).toBe(0);
    // Reading the configuration, and what the client offers, stay allowed.
    expect(await json(await post("/", ["CONFIG", "GET", "maxmemory"]))).toEqual({ result: ["maxmemory", "0"] });
    expect(await json(await post("/", ["FLUSHDB"]))).toEqual({ result: "OK" });
    expect(await json(await post("/", ["FLUSHALL"]))).toEqual({ result: "OK" });
  });
});

describe("read-your-writes", () => {
  it("answers every command with an Upstash-Sync-Token that moves on after a write", async () => {
    const first = await post("/", ["SET", "ryw", "1"]);
    const firstToken = first.headers.get("upstash-sync-token");
    expect(firstToken).toBeTruthy();
    const second = await post("/pipeline", [["SET", "ryw", "2"]], { "upstash-sync-token": firstToken ?? "" });
    const secondToken = second.headers.get("upstash-sync-token");
    expect(secondToken).toBeTruthy();
    expect(secondToken).not.toBe(firstToken);
    const third = await post("/multi-exec", [["GET", "ryw"]], { "upstash-sync-token": secondToken ?? "" });
    expect(await jsonList(third)).toEqual([{ result: "2" }]);
    expect(third.headers.get("upstash-sync-token")).toBeTruthy();
  });
});

describe("a script that outruns the request timeout", () => {
  let hurried: RunningGateway;
  beforeAll(async () => {
    hurried = await startGateway(redisServer.url, { requestTimeoutMs: 500 });
  });
  afterAll(async () => {
    await hurried.close();
    await raw.config("SET", "busy-reply-threshold", "5000");
  });

  it("is stopped with SCRIPT KILL instead of leaving Redis blocked", async () => {
    // Redis takes SCRIPT KILL once a script has run this long (default 5 s).
    await raw.config("SET", "busy-reply-threshold", "100");
    const slowScript = "local t0 = tonumber(redis.call('TIME')[1]) while tonumber(redis.call('TIME')[1]) < t0 + 8 do end return 1";
    const started = Date.now();
    const response = await fetch(hurried.url, {
      method: "POST",
      headers: { authorization: `Bearer ${hurried.token}` },
      body: JSON.stringify(["EVAL", slowScript, "0"]),
    });
    expect(response.status).toBe(504);
    expect(Date.now() - started).toBeLessThan(2_000);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    // Blocked, Redis would answer BUSY for seconds yet.
    expect(await raw.ping()).toBe("PONG");
    expect((await fetch(hurried.url, { method: "POST", headers: { authorization: `Bearer ${hurried.token}` }, body: '["PING"]' })).status).toBe(200);
  });
});

describe("pub/sub over server-sent events", () => {
  /** Reads `data:` lines off an event stream as they arrive. */
  async function openStream(path: string, signal: AbortSignal, token = gateway.token, url = gateway.url) {
    const response = await fetch(`${url}${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, accept: "text/event-stream" },
      signal,
    });
    const lines: string[] = [];
    if (response.ok && response.body) {
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      let buffer = "";
      void (async () => {
        try {
          for (;;) {
            const { value, done } = await reader.read();
            if (done) return;
            buffer += decoder.decode(value, { stream: true });
            const parts = buffer.split("\n");
            buffer = parts.pop() ?? "";
            lines.push(...parts.filter((line) => line.startsWith("data: ")).map((line) => line.slice(6)));
          }
        } catch {
          // aborted
        }
      })();
    }
    return { response, lines };
  }
  const until = async (check: () => boolean) => {
    const deadline = Date.now() + 5_000;
    while (!check()) {
      if (Date.now() > deadline) throw new Error("timed out waiting");
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  const subscribers = async (channel: string) => ((await raw.pubsub("NUMSUB", channel)) as [string, number])[1];

  it("streams subscribe and message events of a channel, and lets go of Redis when the client leaves", async () => {
    const abort = new AbortController();
    const channel = "room:1 é";
    const { response, lines } = await openStream(`/subscribe/${encodeURIComponent(channel)}`, abort.signal);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    await until(() => lines.length >= 1);
    expect(lines[0]).toBe(`subscribe,${channel},1`);
    expect(await raw.publish(channel, "hello, world")).toBe(1);
    expect(await raw.publish(channel, JSON.stringify({ a: 1 }))).toBe(1);
    await until(() => lines.length >= 3);
    expect(lines.slice(1)).toEqual([`message,${channel},hello, world`, `message,${channel},{"a":1}`]);
    abort.abort();
    const deadline = Date.now() + 5_000;
    while ((await subscribers(channel)) !== 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await subscribers(channel)).toBe(0);
  });

  it("streams pmessage events of a pattern", async () => {
    const abort = new AbortController();
    const { response, lines } = await openStream("/psubscribe/news.*", abort.signal);
    expect(response.status).toBe(200);
    await until(() => lines.length >= 1);
    expect(lines[0]).toBe("psubscribe,news.*,1");
    await raw.publish("news.tech", "hi");
    await until(() => lines.length >= 2);
    expect(lines[1]).toBe("pmessage,news.*,news.tech,hi");
    abort.abort();
  });

  it("serves an EventSource too: GET with the token in the query", async () => {
    const abort = new AbortController();
    const response = await fetch(`${gateway.url}/subscribe/by-get?_token=${gateway.token}`, { signal: abort.signal });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const reader = response.body?.getReader();
    const first = await reader?.read();
    expect(new TextDecoder().decode(first?.value)).toBe("data: subscribe,by-get,1\n\n");
    abort.abort();
  });

  it("refuses a subscription without the token, or without a channel", async () => {
    const abort = new AbortController();
    expect((await openStream("/subscribe/secret", abort.signal, "wrong-token")).response.status).toBe(401);
    expect((await openStream("/subscribe/", abort.signal)).response.status).toBe(400);
    expect(await subscribers("secret")).toBe(0);
    abort.abort();
  });

  it("holds at most REDIS_HTTP_MAX_SUBSCRIPTIONS streams at once: the next is answered 429 until one closes", async () => {
    const small = await startGateway(redisServer.url, { maxSubscriptions: 1 });
    const first = new AbortController();
    const second = new AbortController();
    try {
      const open = await openStream("/subscribe/capped", first.signal, small.token, small.url);
      expect(open.response.status).toBe(200);
      const refused = await openStream("/subscribe/capped", second.signal, small.token, small.url);
      expect(refused.response.status).toBe(429);
      first.abort();
      const deadline = Date.now() + 5_000;
      let again = await openStream("/subscribe/capped", second.signal, small.token, small.url);
      while (again.response.status === 429 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        again = await openStream("/subscribe/capped", second.signal, small.token, small.url);
      }
      expect(again.response.status).toBe(200);
    } finally {
      first.abort();
      second.abort();
      await small.close();
    }
  });
});
