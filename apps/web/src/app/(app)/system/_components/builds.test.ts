import { describe, expect, it } from "vitest";
import { shortBuildId } from "./builds";

describe("shortBuildId", () => {
  it("keeps a word whole: the dev server's build id reads `development`, not `developm`", () => {
    expect(shortBuildId("development")).toBe("development");
    expect(shortBuildId("local-preview")).toBe("local-preview");
  });

  it("cuts a long generated id to 8 characters and leaves a short one alone", () => {
    expect(shortBuildId("Xb3kq9ZfT2mWc1LpA0dEr")).toBe("Xb3kq9Zf");
    expect(shortBuildId("9f86d081884c7d659a2f")).toBe("9f86d081");
    expect(shortBuildId("abc123")).toBe("abc123");
  });
});
