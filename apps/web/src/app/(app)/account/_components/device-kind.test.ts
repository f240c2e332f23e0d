import { describeDevice } from "@hop/auth";
import { describe, expect, it } from "vitest";
import { deviceKind } from "./device-kind";

describe("deviceKind", () => {
  it("tells phones and tablets from computers by the session's operating system", () => {
    expect(deviceKind("Mobile Safari on iOS")).toBe("phone");
    expect(deviceKind("Chrome on Android")).toBe("phone");
    expect(deviceKind("Safari on iPadOS")).toBe("tablet");
    expect(deviceKind("Chrome on Android tablet")).toBe("tablet");
    expect(deviceKind("Firefox on Linux")).toBe("computer");
    expect(deviceKind("Chrome on Windows")).toBe("computer");
    expect(deviceKind("Unknown device")).toBe("computer");
  });

  // Issue 12: iPads showed a phone icon. Their own user agents say "iPad; CPU OS ...", which parses as iOS, the phones'
  // system; the session's description now names iPadOS. Real user agents, as the browsers send them.
  it.each([
    [
      "an iPad in Safari (mobile mode, iPadOS 12-17)",
      "Mozilla/5.0 (iPad; CPU OS 12_5_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/12.1.2 Mobile/15E148 Safari/604.1",
      "tablet",
    ],
    [
      "an iPad in Chrome",
      "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/125.0.6422.80 Mobile/15E148 Safari/604.1",
      "tablet",
    ],
    ["an Android tablet", "Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Safari/537.36", "tablet"],
    [
      "an iPhone",
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
      "phone",
    ],
    ["an Android phone", "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Mobile Safari/537.36", "phone"],
    // The same bytes as a Mac's Safari: nothing on the server can tell them apart, so it shows as a computer, not a phone.
    [
      "an iPad in Safari's desktop mode (iPadOS 13+ default)",
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
      "computer",
    ],
    ["a Windows laptop", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Safari/537.36", "computer"],
  ])("%s shows as a %s", (_name, userAgent, kind) => {
    expect(deviceKind(describeDevice(userAgent))).toBe(kind);
  });
});
