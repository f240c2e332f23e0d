import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { visitorHash } from "../src";

// Issue 18: "the visitor hash no longer rotates daily" shipped green. The same
// visitor hashes equal within one UTC day (unique visitors per day) and
// differently across days (hashes cannot be joined over days).
const secret = "visitor-hash-test-secret-0123456789abcdef";
const ip = "203.0.113.5";
const agent = "Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0";

describe("visitorHash", () => {
  it("is HMAC(HMAC(secret, day), address + agent), the day key reused only for its own secret and day", () => {
    const expected = (key: string, at: string) => {
      const daily = createHmac("sha256", key)
        .update(`visitor-day:${at.slice(0, 10)}`)
        .digest();
      return createHmac("sha256", daily).update(`${ip}\n${agent}`).digest("base64url");
    };
    // Alternating secrets and days: the memo of the day key must never answer for another one.
    for (const [key, at] of [
      [secret, "2026-11-30T10:00:00.000Z"],
      ["another-visitor-hash-secret-0123456789", "2026-11-30T10:00:00.000Z"],
      [secret, "2026-11-30T11:00:00.000Z"],
      [secret, "2026-12-01T00:00:00.000Z"],
      ["another-visitor-hash-secret-0123456789", "2026-12-01T00:00:00.000Z"],
    ] as const) {
      expect(visitorHash(key, ip, agent, new Date(at))).toBe(expected(key, at));
    }
  });

  it("is equal for the same visitor all through one UTC day", () => {
    const first = visitorHash(secret, ip, agent, new Date("2026-11-30T00:00:00.000Z"));
    expect(visitorHash(secret, ip, agent, new Date("2026-11-30T12:34:56.000Z"))).toBe(first);
    expect(visitorHash(secret, ip, agent, new Date("2026-11-30T23:59:59.999Z"))).toBe(first);
  });

  it("changes at UTC midnight, whatever the server's time zone", () => {
    // Node applies a TZ change at once: a day taken in local time would rotate at 05:00 UTC here.
    const zone = process.env.TZ;
    process.env.TZ = "America/New_York";
    try {
      expect(visitorHash(secret, ip, agent, new Date("2026-11-30T03:00:00.000Z"))).toBe(visitorHash(secret, ip, agent, new Date("2026-11-30T20:00:00.000Z")));
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
    const lastMoment = visitorHash(secret, ip, agent, new Date("2026-11-30T23:59:59.999Z"));
    const nextDay = visitorHash(secret, ip, agent, new Date("2026-12-01T00:00:00.000Z"));
    expect(nextDay).not.toBe(lastMoment);
    // A day later again is different from both (no cycle of two keys).
    expect(visitorHash(secret, ip, agent, new Date("2026-12-02T08:00:00.000Z"))).not.toBe(nextDay);
    expect(visitorHash(secret, ip, agent, new Date("2026-12-02T08:00:00.000Z"))).not.toBe(lastMoment);
  });

  it("tells visitors apart by address and by user agent (absent agent included)", () => {
    const at = new Date("2026-11-30T10:00:00.000Z");
    const hash = visitorHash(secret, ip, agent, at);
    expect(visitorHash(secret, "203.0.113.6", agent, at)).not.toBe(hash);
    expect(visitorHash(secret, ip, "curl/8.0", at)).not.toBe(hash);
    expect(visitorHash(secret, ip, null, at)).not.toBe(hash);
    expect(visitorHash(secret, ip, null, at)).toBe(visitorHash(secret, ip, "", at));
  });

  it("depends on the secret, and never shows the address", () => {
    const at = new Date("2026-11-30T10:00:00.000Z");
    const hash = visitorHash(secret, ip, agent, at);
    expect(visitorHash(`${secret}-other`, ip, agent, at)).not.toBe(hash);
    expect(hash).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(hash).not.toContain("203");
  });
});
