import { describe, expect, it } from "vitest";
import { safeNextPath } from "../src";

describe("safeNextPath", () => {
  it("keeps a path on this site with its query and fragment", () => {
    expect(safeNextPath("/links?tag=news#top")).toBe("/links?tag=news#top");
    expect(safeNextPath("/account")).toBe("/account");
    expect(safeNextPath("/links/../account")).toBe("/account");
  });

  it.each([
    "//evil.example/",
    "/\\evil.example/",
    "/\t/evil.example/",
    "/%09/evil.example/",
    "/\n/evil.example",
    "/%2F/evil.example",
    "/%2f%2fevil.example",
    "/%5Cevil.example",
    "https://evil.example/",
    "javascript:alert(1)",
    "evil.example",
    "/%E0%A4%A", // malformed escape
    "",
  ])("refuses %j and falls back to /links", (next) => {
    expect(safeNextPath(next)).toBe("/links");
  });

  it("never returns anything that resolves to another origin", () => {
    const attempts = ["/\t/x", "/ /x", "/.//x", "/./\\x", "/%09%2Fx"];
    for (const next of attempts) {
      const resolved = new URL(safeNextPath(next), "https://hop.example");
      expect(resolved.origin, next).toBe("https://hop.example");
    }
  });

  it("falls back to the given path when there is no next", () => {
    expect(safeNextPath(null, "/account")).toBe("/account");
    expect(safeNextPath(undefined)).toBe("/links");
  });
});
