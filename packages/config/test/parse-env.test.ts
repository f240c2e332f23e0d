import { z } from "zod";
import { describe, expect, it } from "vitest";
import { ConfigError, parseEnv } from "../src";

const schema = z.object({
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL"),
  PORT: z.coerce.number().int().positive().default(3000),
  SECRET: z.string().min(8, "must be at least 8 characters"),
});

describe("parseEnv", () => {
  it("returns typed values with defaults", () => {
    expect(parseEnv(schema, { DATABASE_URL: "postgres://x", SECRET: "12345678" })).toEqual({
      DATABASE_URL: "postgres://x",
      PORT: 3000,
      SECRET: "12345678",
    });
  });

  it("names every missing and malformed variable in one line", () => {
    let message = "";
    try {
      parseEnv(schema, { DATABASE_URL: "mysql://x", PORT: "", SECRET: "short" });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      message = (error as Error).message;
    }
    expect(message).toBe("invalid configuration: DATABASE_URL must be a postgres:// URL; SECRET must be at least 8 characters");
    expect(() => parseEnv(schema, {})).toThrow("invalid configuration: DATABASE_URL is required; SECRET is required");
  });
});
