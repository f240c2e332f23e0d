import { errors } from "@upstash/redis";
import { describe, expect, it } from "vitest";
import { isRedisUnavailableError } from "./unavailable";

describe("isRedisUnavailableError", () => {
  it("recognises Redis being away over either transport, also when wrapped", () => {
    expect(isRedisUnavailableError(new errors.UpstashError('Redis is unreachable: connect ECONNREFUSED 127.0.0.1:6390, command was: ["get","k"]'))).toBe(true);
    expect(isRedisUnavailableError(new errors.UpstashError("Redis did not answer in time: Command timed out"))).toBe(true);
    expect(isRedisUnavailableError(new TypeError("fetch failed"))).toBe(true);
    expect(isRedisUnavailableError(new Error("while signing in", { cause: new errors.UpstashError("Redis connection pool is closed") }))).toBe(true);
  });

  it("leaves real failures alone: a wrong command or a bug stays a 500", () => {
    expect(isRedisUnavailableError(new errors.UpstashError("WRONGTYPE Operation against a key holding the wrong kind of value"))).toBe(false);
    expect(isRedisUnavailableError(new TypeError("Cannot read properties of undefined"))).toBe(false);
    expect(isRedisUnavailableError("Redis is unreachable")).toBe(false);
    expect(isRedisUnavailableError(null)).toBe(false);
  });
});
