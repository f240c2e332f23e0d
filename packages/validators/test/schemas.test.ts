import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import {
  changePasswordInput,
  createLinkInput,
  emailSchema,
  isSlugShaped,
  safeNextPath,
  signUpInput,
  slugSchema,
  tagsSchema,
  targetUrlSchema,
  updateLinkInput,
} from "../src";

// The rules inside the shared schemas (refinements, transforms, helpers),
// beside them: what the API and the forms both rely on.
const messages = (result: { error?: z.ZodError }) => result.error?.issues.map((issue) => issue.message) ?? [];

describe("slugs", () => {
  it.each(["api", "API", "Links", "_next", "signin", "www"])("refuses the reserved word %s in any letter case", (slug) => {
    expect(messages(slugSchema.safeParse(slug))).toContain("This word is reserved by Hop; choose another slug");
    expect(isSlugShaped(slug)).toBe(false);
  });
  it("refuses a leading double underscore only", () => {
    expect(messages(slugSchema.safeParse("__x"))).toContain("A slug cannot start with two underscores (reserved by Hop)");
    expect(isSlugShaped("__x")).toBe(false);
    for (const slug of ["x__", "_x", "a__b", "apis", "my-api"]) {
      expect(slugSchema.safeParse(slug).success).toBe(true);
      expect(isSlugShaped(slug)).toBe(true);
    }
  });
  it("takes letters, digits, - and _ up to 64 characters", () => {
    expect(slugSchema.parse("  Launch-2026_a  ")).toBe("Launch-2026_a");
    expect(isSlugShaped("a".repeat(64))).toBe(true);
    expect(isSlugShaped("a".repeat(65))).toBe(false);
    expect(isSlugShaped("")).toBe(false);
    expect(isSlugShaped("a.b")).toBe(false);
    expect(messages(slugSchema.safeParse("has space"))).toContain("Use only letters, digits, '-' and '_'");
  });
});

describe("link targets", () => {
  it("take http and https URLs", () => {
    expect(targetUrlSchema.safeParse("http://example.com/a").success).toBe(true);
    expect(targetUrlSchema.safeParse("https://example.com/a").success).toBe(true);
  });
  it.each([
    ["ftp://example.com/file", "Only http:// and https:// links can be shortened"],
    ["javascript:alert(1)", "Only http:// and https:// links can be shortened"],
    ["mailto:a@b.c", "Only http:// and https:// links can be shortened"],
    ["example.com", "Enter a full URL, like https://example.com/page"],
    ["", "Enter the URL to shorten"],
  ])("refuse %j", (url, message) => {
    expect(messages(targetUrlSchema.safeParse(url))).toContain(message);
  });
});

describe("link options", () => {
  afterEach(() => {
    vi.useRealTimers();
  });
  it("refuses an expiry of this very millisecond (it would be expired on arrival)", () => {
    vi.useFakeTimers({ now: new Date("2026-11-30T12:00:00.000Z") });
    expect(createLinkInput.safeParse({ url: "https://example.com", expiresAt: new Date("2026-11-30T12:00:00.000Z") }).success).toBe(false);
    expect(createLinkInput.safeParse({ url: "https://example.com", expiresAt: new Date("2026-11-30T12:00:00.001Z") }).success).toBe(true);
  });
  it("dedupes tags and keeps their order", () => {
    expect(tagsSchema.parse(["b", "a", "b", " a "])).toEqual(["b", "a"]);
    expect(tagsSchema.parse([])).toEqual([]);
  });
  it("wants an expiry in the future, and none is fine", () => {
    expect(createLinkInput.safeParse({ url: "https://example.com", expiresAt: new Date(Date.now() + 60_000) }).success).toBe(true);
    expect(createLinkInput.safeParse({ url: "https://example.com", expiresAt: null }).success).toBe(true);
    expect(createLinkInput.safeParse({ url: "https://example.com" }).success).toBe(true);
    const past = createLinkInput.safeParse({ url: "https://example.com", expiresAt: new Date(Date.now() - 1) });
    expect(z.flattenError(past.error!).fieldErrors).toEqual({ expiresAt: ["Choose a time in the future"] });
    expect(updateLinkInput.safeParse({ id: "l1", expiresAt: new Date(Date.now() - 1) }).success).toBe(false);
  });
});

describe("accounts", () => {
  it("normalise the email and refuse one that is not", () => {
    expect(emailSchema.parse("  Ada@Example.COM ")).toBe("ada@example.com");
    expect(messages(emailSchema.safeParse("ada"))).toContain("Enter a valid email address, like ada@example.com");
    expect(signUpInput.parse({ email: "a@b.co", password: "long enough pw", name: " Ada " }).name).toBe("Ada");
  });
  it("want a new password different from the current one", () => {
    const same = changePasswordInput.safeParse({ currentPassword: "same password", newPassword: "same password" });
    expect(z.flattenError(same.error!).fieldErrors).toEqual({ newPassword: ["Choose a password different from the current one"] });
    expect(changePasswordInput.safeParse({ currentPassword: "old password", newPassword: "new password" }).success).toBe(true);
  });
});

describe("safeNextPath (where to go after signing in)", () => {
  it.each([
    ["/links", "/links"],
    ["/links/abc?x=1", "/links/abc?x=1"],
    [null, "/links"],
    [undefined, "/links"],
    ["", "/links"],
    ["links", "/links"],
    ["https://evil.example/", "/links"],
    ["//evil.example/", "/links"],
    ["/\\evil.example/", "/links"],
  ])("%j goes to %j", (next, expected) => {
    expect(safeNextPath(next)).toBe(expected);
  });
  it("uses the given fallback", () => {
    expect(safeNextPath("//evil.example", "/account")).toBe("/account");
  });
});
