import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { clientAddress } from "../server/client-address";
import { requestOrigin } from "../server/request-origin";
import { parseProxyTrust } from "../src/server/proxy-trust";

const request = (peer: string, headers: Record<string, string> = {}) => ({ headers, socket: { remoteAddress: peer } }) as unknown as IncomingMessage;

describe("TRUST_PROXY", () => {
  it("false: the socket's peer is the client, whatever X-Forwarded-For says", () => {
    const trust = parseProxyTrust("false");
    expect(clientAddress(request("203.0.113.9", { "x-forwarded-for": "1.2.3.4" }), trust)).toBe("203.0.113.9");
  });

  it("one hop: the address the proxy saw (rightmost entry), never an entry the client wrote", () => {
    const trust = parseProxyTrust("1");
    // The client forged "1.2.3.4"; the proxy appended the address it saw.
    expect(clientAddress(request("10.0.0.2", { "x-forwarded-for": "1.2.3.4, 198.51.100.7" }), trust)).toBe("198.51.100.7");
    expect(parseProxyTrust("true")("10.0.0.2", 0)).toBe(true);
    expect(parseProxyTrust("true")("10.0.0.2", 1)).toBe(false);
  });

  it("two hops (CDN, then haproxy): the address the CDN saw", () => {
    const trust = parseProxyTrust("2");
    expect(clientAddress(request("10.0.0.2", { "x-forwarded-for": "1.2.3.4, 198.51.100.7, 172.16.0.5" }), trust)).toBe("198.51.100.7");
  });

  it("a CIDR list: the first address from the right that is not a trusted proxy", () => {
    const trust = parseProxyTrust("loopback, 10.0.0.0/8");
    expect(clientAddress(request("127.0.0.1", { "x-forwarded-for": "1.2.3.4, 198.51.100.7, 10.1.2.3" }), trust)).toBe("198.51.100.7");
    // A direct client (not from a trusted address) cannot pick its own address.
    expect(clientAddress(request("203.0.113.9", { "x-forwarded-for": "1.2.3.4" }), trust)).toBe("203.0.113.9");
  });

  it("believes X-Forwarded-Host/-Proto only from a trusted peer, and then the nearest proxy's value", () => {
    const headers = { host: "10.0.0.5:3000", "x-forwarded-host": "evil.example, hop.example", "x-forwarded-proto": "https" };
    expect(requestOrigin(request("10.0.0.2", headers), parseProxyTrust("10.0.0.0/8"))).toBe("https://hop.example");
    expect(requestOrigin(request("203.0.113.9", headers), parseProxyTrust("10.0.0.0/8"))).toBe("http://10.0.0.5:3000");
    expect(requestOrigin(request("203.0.113.9", headers), parseProxyTrust("false"))).toBe("http://10.0.0.5:3000");
  });

  it("refuses a value it cannot read, naming the bad entry", () => {
    expect(() => parseProxyTrust("10.0.0.0/8, proxy.example")).toThrow(/proxy\.example/);
    expect(() => parseProxyTrust("99")).toThrow(/32/);
  });
});
