import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { clickEventId } from "../server/click-event-id";
import { parseProxyTrust } from "../src/server/proxy-trust";

const request = (peer: string, headers: Record<string, string> = {}) => ({ headers, socket: { remoteAddress: peer } }) as unknown as IncomingMessage;

describe("a click's event id", () => {
  it("behind a trusted proxy that names the request: the same name gives the same event (a replayed GET is counted once)", () => {
    const trust = parseProxyTrust("loopback");
    const first = clickEventId(request("127.0.0.1", { "x-request-id": "7F000001:D2F4_7F000001:1F90_6770A1B2_0001:1A2B" }), trust);
    const replay = clickEventId(request("127.0.0.1", { "x-request-id": "7F000001:D2F4_7F000001:1F90_6770A1B2_0001:1A2B" }), trust);
    const another = clickEventId(request("127.0.0.1", { "x-request-id": "7F000001:D2F4_7F000001:1F90_6770A1B2_0002:1A2B" }), trust);
    expect(first).toBe(replay);
    expect(another).not.toBe(first);
    expect(first).toMatch(/^req-[\w-]{43}$/);
  });

  it("a name from a peer that is not a trusted proxy, or no proxy trusted at all, is ignored: a fresh id each time", () => {
    const headers = { "x-request-id": "chosen-by-the-client" };
    for (const [peer, trust] of [
      ["203.0.113.9", parseProxyTrust("loopback")],
      ["127.0.0.1", parseProxyTrust("false")],
    ] as const) {
      const a = clickEventId(request(peer, headers), trust);
      expect(a).not.toBe(clickEventId(request(peer, headers), trust));
      expect(a).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it("no name, or an oversized one: a fresh id", () => {
    const trust = parseProxyTrust("loopback");
    expect(clickEventId(request("127.0.0.1"), trust)).not.toBe(clickEventId(request("127.0.0.1"), trust));
    const long = { "x-request-id": "x".repeat(257) };
    expect(clickEventId(request("127.0.0.1", long), trust)).not.toBe(clickEventId(request("127.0.0.1", long), trust));
  });
});
