import { describe, expect, it } from "vitest";
import { CommandRejectedError, encodeReply, parseCommand, parseCommandList, restEndpointOf } from "../src";

// The gateway's translation of REST bodies into Redis commands and of Redis
// replies into JSON, without a Redis: fast enough for mutation testing. (The
// gateway against a real redis-server is apps/redis-http/test.)
function refusal(value: unknown): string {
  try {
    parseCommand(value);
  } catch (error) {
    expect(error).toBeInstanceOf(CommandRejectedError);
    return (error as Error).message;
  }
  throw new Error(`${JSON.stringify(value)} was not refused`);
}

describe("parseCommand", () => {
  it("upper-cases the name and turns numbers and booleans into strings", () => {
    expect(parseCommand(["set", "k", 1, true, false, "v"])).toEqual(["SET", "k", "1", "true", "false", "v"]);
    expect(parseCommand(["hgetall", "h"])).toEqual(["HGETALL", "h"]);
  });
  it.each([
    [[], /non-empty JSON array/],
    ["GET k", /non-empty JSON array/],
    [{ 0: "GET" }, /non-empty JSON array/],
    [null, /non-empty JSON array/],
    [["GET", null], /strings or numbers, got null/],
    [["GET", { a: 1 }], /strings or numbers, got object/],
    [["GET", ["k"]], /strings or numbers, got object/],
    [[null], /got null/],
  ])("refuses %j", (value, message) => {
    expect(refusal(value)).toMatch(message);
  });
  it.each(["BLPOP", "brpop", "BRPOPLPUSH", "BLMOVE", "BLMPOP", "BZPOPMIN", "BZPOPMAX", "BZMPOP", "WAIT", "WAITAOF"])("refuses the blocking %s", (name) => {
    expect(refusal([name, "k", "0"])).toMatch(new RegExp(`^ERR ${name.toUpperCase()} is refused: blocking commands`));
  });
  it.each(["SUBSCRIBE", "PSUBSCRIBE", "SSUBSCRIBE", "UNSUBSCRIBE", "PUNSUBSCRIBE", "SUNSUBSCRIBE", "MONITOR", "SYNC", "PSYNC"])(
    "refuses the streaming %s",
    (name) => {
      expect(refusal([name, "c"])).toMatch(/turn a connection into a stream/);
    },
  );
  it.each(["MULTI", "EXEC", "DISCARD", "WATCH", "UNWATCH"])("refuses %s (transactions go to /multi-exec)", (name) => {
    expect(refusal([name])).toMatch(/\/multi-exec/);
  });
  it.each(["SELECT", "SWAPDB", "QUIT", "RESET", "HELLO", "AUTH"])("refuses the connection-state %s", (name) => {
    expect(refusal([name, "1"])).toMatch(/change connection state/);
  });
  it.each(["KILL", "pause", "UNPAUSE", "REPLY", "TRACKING", "SETNAME", "NO-EVICT", "NO-TOUCH", "CACHING"])(
    "refuses CLIENT %s and lets other CLIENT calls through",
    (sub) => {
      expect(refusal(["client", sub, "x"])).toBe(`ERR CLIENT ${sub.toUpperCase()} is refused: connections are shared`);
    },
  );
  it("lets CLIENT INFO, CLIENT without subcommand, and the non-blocking forms through", () => {
    expect(parseCommand(["CLIENT", "INFO"])).toEqual(["CLIENT", "INFO"]);
    expect(parseCommand(["CLIENT"])).toEqual(["CLIENT"]);
    expect(parseCommand(["GET", "kill"])).toEqual(["GET", "kill"]);
    expect(parseCommand(["LPOP", "k"])).toEqual(["LPOP", "k"]);
    expect(parseCommand(["ZPOPMIN", "z", 2])).toEqual(["ZPOPMIN", "z", "2"]);
  });
  it("refuses XREAD and XREADGROUP with BLOCK before STREAMS, but not a stream or id named BLOCK", () => {
    expect(refusal(["XREAD", "BLOCK", "0", "STREAMS", "s", "$"])).toMatch(/^ERR XREAD with BLOCK is refused: blocking commands/);
    expect(refusal(["xreadgroup", "GROUP", "g", "c", "block", "10", "STREAMS", "s", ">"])).toMatch(/^ERR XREADGROUP with BLOCK is refused/);
    expect(parseCommand(["XREAD", "COUNT", "1", "STREAMS", "BLOCK", "0"])).toEqual(["XREAD", "COUNT", "1", "STREAMS", "BLOCK", "0"]);
    expect(parseCommand(["XREAD", "STREAMS", "s", "0"])).toEqual(["XREAD", "STREAMS", "s", "0"]);
    // Without STREAMS at all (Redis will refuse it, not the gateway).
    expect(parseCommand(["XREAD", "COUNT", "1"])).toEqual(["XREAD", "COUNT", "1"]);
    expect(parseCommand(["XRANGE", "BLOCK", "-", "+"])).toEqual(["XRANGE", "BLOCK", "-", "+"]);
  });
});

describe("parseCommandList", () => {
  it("parses each command", () => {
    expect(
      parseCommandList([
        ["set", "a", 1],
        ["get", "a"],
      ]),
    ).toEqual([
      ["SET", "a", "1"],
      ["GET", "a"],
    ]);
  });
  it.each([[[]], ["x"], [null], [{}]])("refuses %j as a pipeline", (value) => {
    expect(() => parseCommandList(value)).toThrow(/non-empty JSON array of command arrays/);
  });
  it("refuses a pipeline holding a refused command", () => {
    expect(() =>
      parseCommandList([
        ["GET", "a"],
        ["BLPOP", "k", "0"],
      ]),
    ).toThrow(CommandRejectedError);
  });
});

describe("encodeReply", () => {
  const ok = Buffer.from("OK");
  it("keeps a top-level OK readable in base64 mode, and only it", () => {
    expect(encodeReply(ok, "base64")).toBe("OK");
    expect(encodeReply([ok], "base64")).toEqual([ok.toString("base64")]);
    expect(encodeReply(Buffer.from("OKAY"), "base64")).toBe(Buffer.from("OKAY").toString("base64"));
    expect(encodeReply(Buffer.from("NO"), "base64")).toBe(Buffer.from("NO").toString("base64"));
    expect(encodeReply(Buffer.from("Ok"), "base64")).toBe(Buffer.from("Ok").toString("base64"));
    expect(encodeReply(Buffer.from("oK"), "base64")).toBe(Buffer.from("oK").toString("base64"));
    expect(encodeReply(Buffer.from("O"), "base64")).toBe(Buffer.from("O").toString("base64"));
    // Two numbers that spell "OK" are not the OK status.
    expect(encodeReply([0x4f, 0x4b], "base64")).toEqual([0x4f, 0x4b]);
    expect(encodeReply([0x4f, 0x4b], "utf8")).toEqual([0x4f, 0x4b]);
  });
  it("encodes strings, nested arrays, numbers, nulls and errors", () => {
    const reply = [Buffer.from("é"), 3, null, [Buffer.from([0xff, 0x00])], new Error("WRONGTYPE oops")];
    expect(encodeReply(reply, "utf8")).toEqual(["é", 3, null, [Buffer.from([0xff, 0x00]).toString("utf8")], "WRONGTYPE oops"]);
    expect(encodeReply(reply, "base64")).toEqual([Buffer.from("é").toString("base64"), 3, null, ["/wA="], "WRONGTYPE oops"]);
    expect(encodeReply(ok, "utf8")).toBe("OK");
    expect(encodeReply(0, "base64")).toBe(0);
  });
});

describe("restEndpointOf", () => {
  it.each([
    ["", "command"],
    ["/", "command"],
    ["pipeline", "pipeline"],
    ["/pipeline", "pipeline"],
    ["multi-exec", "multi-exec"],
    ["/multi-exec", "multi-exec"],
    ["/other", undefined],
    ["/pipeline/", undefined],
  ])("%j is %s", (path, endpoint) => {
    expect(restEndpointOf(path)).toBe(endpoint);
  });
});
