import { describe, expect, it } from "vitest";
import { isCrossOriginRequest } from "./csrf";

// The host our own server says the browser used (x-hop-origin's host): Host, or X-Forwarded-Host only under TRUST_PROXY.
const ours = "hop.example";
const check = (headers: Record<string, string>, expectedHost: string | null = ours) => isCrossOriginRequest(new Headers(headers), expectedHost);

describe("isCrossOriginRequest", () => {
  it("lets this site's own pages through, by Origin or, without one, by Referer", () => {
    expect(check({ origin: "https://hop.example" })).toBe(false);
    expect(check({ referer: "https://hop.example/account?tab=1" })).toBe(false);
    expect(check({ origin: "https://HOP.example" }, "Hop.Example")).toBe(false);
  });

  it("lets a client that sends neither Origin nor Referer through (it cannot ride on a victim's cookies)", () => {
    expect(check({})).toBe(false);
  });

  it("refuses another site's Origin", () => {
    expect(check({ origin: "https://evil.example" })).toBe(true);
    expect(check({ origin: "https://hop.example.evil.example" })).toBe(true);
  });

  it("refuses Origin: null (sandboxed frames, data: URLs, some redirects)", () => {
    expect(check({ origin: "null" })).toBe(true);
    expect(check({ origin: "null", referer: "https://hop.example/" })).toBe(true);
  });

  it("refuses a foreign Referer when there is no Origin", () => {
    expect(check({ referer: "https://evil.example/hop.example" })).toBe(true);
  });

  it("judges by Origin when both are sent", () => {
    expect(check({ origin: "https://evil.example", referer: "https://hop.example/" })).toBe(true);
  });

  it("refuses the same host on another port (another origin, maybe another program)", () => {
    expect(check({ origin: "http://127.0.0.1:3001" }, "127.0.0.1:3000")).toBe(true);
    expect(check({ origin: "https://hop.example:8443" })).toBe(true);
    expect(check({ origin: "http://127.0.0.1:3000" }, "127.0.0.1:3000")).toBe(false);
  });

  it("never takes the host from the request's own forwarding headers", () => {
    expect(check({ origin: "https://evil.example", "x-forwarded-host": "evil.example", host: "evil.example" })).toBe(true);
  });

  it("accepts the host a trusted proxy forwarded, as our server computed it", () => {
    // Behind a proxy the process sees Host: 10.0.0.5:3000; with TRUST_PROXY the server derived hop.example from X-Forwarded-Host.
    expect(check({ origin: "https://hop.example", host: "10.0.0.5:3000" }, "hop.example")).toBe(false);
    expect(check({ origin: "https://hop.example", host: "hop.example" }, "10.0.0.5:3000")).toBe(true);
  });

  it("refuses when our own host is unknown, and refuses malformed sources", () => {
    expect(check({ origin: "https://hop.example" }, null)).toBe(true);
    expect(check({ origin: "not a url" })).toBe(true);
    expect(check({ referer: "about:blank" })).toBe(true);
  });
});
