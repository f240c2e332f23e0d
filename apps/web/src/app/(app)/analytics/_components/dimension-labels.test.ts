import { describe, expect, it } from "vitest";
import { countryFlag, countryName, filterLabel, valueLabel } from "./dimension-labels";

describe("dimension labels", () => {
  it("names countries and draws their flags from the code", () => {
    expect(countryName("DE")).toBe("Germany");
    expect(countryFlag("de")).toBe("🇩🇪");
    expect(countryFlag("not a code")).toBe("");
    expect(valueLabel("country", "")).toBe("Unknown");
  });

  it("reads filters as sentences", () => {
    expect(filterLabel({ op: "isNot", dimension: "trigger", value: "qr" })).toBe("QR or link is not QR code scan");
    expect(filterLabel({ op: "is", dimension: "link", value: "l1" }, new Map([["l1", "/launch"]]))).toBe("Link is /launch");
  });
});
