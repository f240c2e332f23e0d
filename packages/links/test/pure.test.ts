import { describe, expect, it } from "vitest";
import {
  asCachedLink,
  cachedLinkSchema,
  destinationUrl,
  generateSlug,
  generatedSlugLength,
  isExpired,
  isOpenLink,
  passwordTag,
  redirectStatusCode,
  redirectStatusFromCode,
  slugAlphabet,
  toCachedLink,
  utmFromColumns,
  utmToColumns,
  type CachedLink,
} from "../src";

// The link domain's pure rules, beside the code: a mistake here is caught in
// milliseconds instead of by the multi-process redirect test.
const link = (overrides: Partial<CachedLink> = {}): CachedLink => ({
  id: "l1",
  url: "https://example.com/",
  status: 302,
  expiresAt: 0,
  expiredUrl: "",
  passwordTag: "",
  ...overrides,
});

describe("isExpired", () => {
  const now = Date.UTC(2026, 10, 30, 12);
  it("never for a link without expiry (0), even at the epoch or far in the future", () => {
    expect(isExpired(link(), now)).toBe(false);
    expect(isExpired(link(), 0)).toBe(false);
    expect(isExpired(link(), 8.64e15)).toBe(false);
  });
  it("from the expiry's very millisecond on, not one before", () => {
    expect(isExpired(link({ expiresAt: now }), now - 1)).toBe(false);
    expect(isExpired(link({ expiresAt: now }), now)).toBe(true);
    expect(isExpired(link({ expiresAt: now }), now + 1)).toBe(true);
  });
});

describe("isOpenLink (a visit that counts without further checks)", () => {
  const now = 1_000_000;
  it("is open without password and expiry, or before the expiry", () => {
    expect(isOpenLink(link(), now)).toBe(true);
    expect(isOpenLink(link({ expiresAt: now + 1 }), now)).toBe(true);
  });
  it("is not open at or after the expiry, or with a password", () => {
    expect(isOpenLink(link({ expiresAt: now }), now)).toBe(false);
    expect(isOpenLink(link({ expiresAt: now - 1 }), now)).toBe(false);
    expect(isOpenLink(link({ passwordTag: "tag" }), now)).toBe(false);
  });
});

describe("passwordTag", () => {
  it("is empty without a password, 16 url-safe characters of the hash otherwise, and changes with the hash", () => {
    expect(passwordTag(null)).toBe("");
    expect(passwordTag("")).toBe("");
    const tag = passwordTag("$argon2id$v=19$one");
    expect(tag).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(passwordTag("$argon2id$v=19$one")).toBe(tag);
    expect(passwordTag("$argon2id$v=19$two")).not.toBe(tag);
    expect(tag).not.toContain("argon2");
  });
});

describe("toCachedLink", () => {
  const row = {
    id: "l1",
    url: "https://example.com/page",
    redirectStatus: "TEMPORARY_REDIRECT" as const,
    expiresAt: new Date(5_000),
    expiredUrl: "https://example.com/over",
    passwordHash: "$argon2id$hash",
    utmSource: "news",
    utmMedium: null,
    utmCampaign: null,
    utmTerm: null,
    utmContent: null,
    deletedAt: null,
  };
  it("carries what the redirect needs, UTM written into the target", () => {
    expect(toCachedLink(row)).toEqual({
      id: "l1",
      url: "https://example.com/page?utm_source=news",
      status: 307,
      expiresAt: 5_000,
      expiredUrl: "https://example.com/over",
      passwordTag: passwordTag("$argon2id$hash"),
    });
  });
  it("uses 0 and empty strings for none", () => {
    expect(toCachedLink({ ...row, expiresAt: null, expiredUrl: null, passwordHash: null, utmSource: null })).toEqual({
      id: "l1",
      url: "https://example.com/page",
      status: 307,
      expiresAt: 0,
      expiredUrl: "",
      passwordTag: "",
    });
  });
  it("is null for a deleted or missing link", () => {
    expect(toCachedLink({ ...row, deletedAt: new Date() })).toBeNull();
    expect(toCachedLink(null)).toBeNull();
  });
});

describe("destinationUrl", () => {
  it("returns the target untouched without UTM values (empty ones included)", () => {
    expect(destinationUrl("https://example.com/a?b=1#c", {})).toBe("https://example.com/a?b=1#c");
    expect(destinationUrl("https://example.com/a", { source: "", medium: undefined })).toBe("https://example.com/a");
    // Untouched means as stored, not re-serialised.
    expect(destinationUrl("https://EXAMPLE.com", {})).toBe("https://EXAMPLE.com");
  });
  it("writes each present value, replacing the target's own, keeping other parameters and the fragment", () => {
    const url = new URL(destinationUrl("https://example.com/a?utm_source=old&keep=1#frag", { source: "new", campaign: "launch", term: "" }));
    expect(Object.fromEntries(url.searchParams)).toEqual({ utm_source: "new", keep: "1", utm_campaign: "launch" });
    expect(url.hash).toBe("#frag");
  });
  it("knows all five UTM names", () => {
    const url = new URL(destinationUrl("https://example.com/", { source: "s", medium: "m", campaign: "c", term: "t", content: "x" }));
    expect(Object.fromEntries(url.searchParams)).toEqual({ utm_source: "s", utm_medium: "m", utm_campaign: "c", utm_term: "t", utm_content: "x" });
  });
});

describe("UTM columns", () => {
  it("round-trip, with empty values stored as null", () => {
    const columns = utmToColumns({ source: "s", medium: "", campaign: "c", term: "t", content: "x" });
    expect(columns).toEqual({ utmSource: "s", utmMedium: null, utmCampaign: "c", utmTerm: "t", utmContent: "x" });
    expect(utmFromColumns(columns)).toEqual({ source: "s", medium: undefined, campaign: "c", term: "t", content: "x" });
  });
});

describe("redirect statuses", () => {
  it.each([
    ["MOVED_PERMANENTLY", 301],
    ["FOUND", 302],
    ["TEMPORARY_REDIRECT", 307],
    ["PERMANENT_REDIRECT", 308],
  ] as const)("%s is %d and back", (status, code) => {
    expect(redirectStatusCode(status)).toBe(code);
    expect(redirectStatusFromCode(code)).toBe(status);
  });
  it("refuses a code that is not a redirect", () => {
    expect(() => redirectStatusFromCode(200 as 301)).toThrow(/no redirect status for 200/);
  });
});

describe("generated slugs", () => {
  it("are 7 characters of the unambiguous alphabet, and differ", () => {
    const slugs = new Set(Array.from({ length: 200 }, () => generateSlug()));
    expect(slugs.size).toBe(200);
    for (const slug of slugs) {
      expect(slug).toHaveLength(generatedSlugLength);
      expect([...slug].every((char) => slugAlphabet.includes(char))).toBe(true);
    }
    expect(generatedSlugLength).toBe(7);
    expect(slugAlphabet).not.toMatch(/[0O1lIi5S2Zuv]/);
  });
});

describe("asCachedLink (the redirect's check of a cache entry, without zod)", () => {
  const entry = { id: "l1", url: "https://example.com/", status: 302, expiresAt: 0, expiredUrl: "", passwordTag: "" };
  const shapes: unknown[] = [
    entry,
    { ...entry, status: 308, expiresAt: 1_764_500_000_000, expiredUrl: "https://example.com/gone", passwordTag: "abc" },
    { ...entry, status: 303 },
    { ...entry, status: "302" },
    { ...entry, expiresAt: "0" },
    { ...entry, expiresAt: null },
    { ...entry, id: 1 },
    { ...entry, url: null },
    { ...entry, passwordTag: undefined },
    { ...entry, expiredUrl: false },
    { id: "l1", url: "https://example.com/" },
    null,
    "missing",
    42,
    [],
  ];
  it.each(shapes.map((shape) => [JSON.stringify(shape), shape]))("agrees with cachedLinkSchema on %s", (_name, shape) => {
    const parsed = cachedLinkSchema.safeParse(shape);
    const checked = asCachedLink(shape);
    expect(checked !== undefined).toBe(parsed.success);
    if (parsed.success) expect(checked).toEqual(parsed.data);
  });
});
