import type { IncomingMessage } from "node:http";
import { hostOfOrigin, isCrossOriginRequest } from "@hop/auth";
import { describe, expect, it } from "vitest";
import { requestOrigin } from "../server/request-origin";
import { parseProxyTrust } from "../src/server/proxy-trust";

// The host the CSRF check compares with is the one this server computes for x-hop-origin: Host, or X-Forwarded-Host
// only with TRUST_PROXY. (A plain object stands in for the request: requestOrigin reads only its headers and socket.)
const request = (headers: Record<string, string>, encrypted = false) =>
  ({ headers, socket: { encrypted, remoteAddress: "10.0.0.2" } }) as unknown as IncomingMessage;
const trustFor = (trustProxy: boolean) => parseProxyTrust(trustProxy ? "1" : "false");

const crossSite = (headers: Record<string, string>, trustProxy: boolean) =>
  isCrossOriginRequest(new Headers(headers), hostOfOrigin(requestOrigin(request(headers), trustFor(trustProxy))));

describe("the host a mutation must come from", () => {
  it("is the Host header without TRUST_PROXY, whatever X-Forwarded-Host says", () => {
    expect(requestOrigin(request({ host: "hop.example", "x-forwarded-host": "evil.example" }), trustFor(false))).toBe("http://hop.example");
    expect(crossSite({ host: "hop.example", origin: "https://evil.example", "x-forwarded-host": "evil.example" }, false)).toBe(true);
    expect(crossSite({ host: "hop.example", origin: "http://hop.example" }, false)).toBe(false);
  });

  it("is the proxy's X-Forwarded-Host with TRUST_PROXY", () => {
    const behindProxy = { host: "10.0.0.5:3000", "x-forwarded-host": "hop.example", "x-forwarded-proto": "https" };
    expect(requestOrigin(request(behindProxy), trustFor(true))).toBe("https://hop.example");
    expect(crossSite({ ...behindProxy, origin: "https://hop.example" }, true)).toBe(false);
    expect(crossSite({ ...behindProxy, origin: "https://evil.example" }, true)).toBe(true);
  });

  it("refuses browser requests when no usable host is known", () => {
    expect(requestOrigin(request({ host: "bad host/x" }), trustFor(false))).toBeNull();
    expect(crossSite({ host: "bad host/x", origin: "http://bad host/x" }, false)).toBe(true);
  });
});
