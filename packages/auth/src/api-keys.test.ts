import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { bearerToken, generateApiKey, hashApiKey, looksLikeApiKey } from "./api-keys";

describe("API keys", () => {
  it("are hop_ and 256 random bits, never twice the same, and recognised by their shape", () => {
    const keys = new Set(Array.from({ length: 100 }, generateApiKey));
    expect(keys.size).toBe(100);
    for (const key of keys) {
      expect(key).toMatch(/^hop_[A-Za-z0-9_-]{43}$/);
      expect(looksLikeApiKey(key)).toBe(true);
    }
    expect(looksLikeApiKey("hop_short")).toBe(false);
    expect(looksLikeApiKey(`sk_${"a".repeat(43)}`)).toBe(false);
    expect(looksLikeApiKey(`hop_${"a".repeat(42)}!`)).toBe(false);
  });

  it("are stored as their SHA-256 in hex", () => {
    const key = generateApiKey();
    expect(hashApiKey(key)).toBe(createHash("sha256").update(key).digest("hex"));
    expect(hashApiKey(key)).not.toBe(hashApiKey(generateApiKey()));
  });

  it("come from an Authorization: Bearer header only", () => {
    expect(bearerToken("Bearer hop_abc")).toBe("hop_abc");
    expect(bearerToken("bearer   hop_abc ")).toBe("hop_abc");
    expect(bearerToken("Basic dXNlcjpwYXNz")).toBeNull();
    expect(bearerToken("Bearer a b")).toBeNull();
    expect(bearerToken("")).toBeNull();
    expect(bearerToken(null)).toBeNull();
  });
});
