import { describe, expect, it } from "vitest";
import { deviceKind } from "./device-kind";

describe("deviceKind", () => {
  it("tells phones and tablets from computers by the session's operating system", () => {
    expect(deviceKind("Mobile Safari on iOS")).toBe("phone");
    expect(deviceKind("Chrome on Android")).toBe("phone");
    expect(deviceKind("Safari on iPadOS")).toBe("tablet");
    expect(deviceKind("Firefox on Linux")).toBe("computer");
    expect(deviceKind("Chrome on Windows")).toBe("computer");
    expect(deviceKind("Unknown device")).toBe("computer");
  });
});
