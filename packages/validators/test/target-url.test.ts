import { describe, expect, it } from "vitest";
import { createLinkInput, targetUrlSchema } from "../src";

describe("targetUrlSchema", () => {
  it("stores a target in its WHATWG serialisation: percent-encoded path, query and fragment, punycode host", () => {
    expect(targetUrlSchema.parse("https://ja.wikipedia.org/wiki/日本")).toBe("https://ja.wikipedia.org/wiki/%E6%97%A5%E6%9C%AC");
    expect(targetUrlSchema.parse("  https://日本.jp/ü?q=é#ß ")).toBe("https://xn--wgv71a.jp/%C3%BC?q=%C3%A9#%C3%9F");
    expect(targetUrlSchema.parse("HTTPS://Example.COM")).toBe("https://example.com/");
    // Already-encoded text is kept as it is, not encoded twice.
    expect(targetUrlSchema.parse("https://example.com/a%20b?x=%2F")).toBe("https://example.com/a%20b?x=%2F");
  });

  it.each([
    ["a line break", "https://example.com/a\r\nSet-Cookie: x=1"],
    ["a tab", "https://example.com/a\tb"],
    ["NUL", "https://example.com/\u0000"],
    ["DEL", "https://example.com/\u007f"],
    ["a C1 control", "https://example.com/\u0085"],
  ])("refuses %s with a message, rather than dropping it silently", (_name, value) => {
    const result = targetUrlSchema.safeParse(value);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/control characters/);
  });

  it("refuses other schemes and relative or empty input", () => {
    for (const value of ["javascript:alert(1)", "ftp://example.com/", "data:text/html,hi", "/relative", "example.com", ""]) {
      expect(targetUrlSchema.safeParse(value).success, value).toBe(false);
    }
  });

  it("counts the length of the serialised form, which is what is stored and sent", () => {
    // 700 characters of Japanese become 6,300 once encoded.
    const result = targetUrlSchema.safeParse(`https://example.com/${"日".repeat(700)}`);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/at most 2048/);
    expect(targetUrlSchema.safeParse(`https://example.com/${"a".repeat(2000)}`).success).toBe(true);
  });

  it("serialises the fallback of an expired link the same way", () => {
    const input = createLinkInput.parse({ url: "https://example.com/", expiredUrl: "https://example.com/fin/ñ" });
    expect(input.expiredUrl).toBe("https://example.com/fin/%C3%B1");
  });
});
