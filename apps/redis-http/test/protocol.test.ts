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
    const response = await post("/pipeline", [["SET", "p1", "1"], ["INCR", "p1"], ["LPUSH", "p-string", "y"], ["GET", "p1"]]);
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
    const body = await jsonList(await post("/multi-exec", [["SET", "m1", "1"], ["LPUSH", "m-string", "y"], ["INCR", "m1"]]));
    expect(body[0]).toEqual({ result: "OK" });
    expect(body[1]?.error).toMatch(/^WRONGTYPE/);
    expect(body[2]).toEqual({ result: 2 });
  });

  it("answers a transaction Redis refuses to queue with 400 and runs none of it", async () => {
    const response = await post("/multi-exec", [["SET", "aborted", "1"], ["SET", "only-a-key"]]);
    expect(response.status).toBe(400);
    expect((await json(response)).error).toMatch(/EXECABORT.*wrong number of arguments/);
    expect(await raw.exists("aborted")).toBe(0);
  });
});
