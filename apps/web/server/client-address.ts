import type { IncomingMessage } from "node:http";
import proxyAddr from "proxy-addr";
import { trustNoProxy, type ProxyTrust } from "../src/server/proxy-trust";

/** Set on every request handed to Next; any value a client sent is overwritten. */
export const clientIpHeader = "x-hop-client-ip";

/**
 * The client's address: the socket's peer, or behind trusted proxies
 * (TRUST_PROXY) the address the outermost trusted proxy saw, read from the
 * right of X-Forwarded-For. The leftmost entries are whatever the client
 * wrote, so they never count (proxy-addr, as Express uses it).
 */
export function clientAddress(request: IncomingMessage, trust: ProxyTrust): string {
  const peer = request.socket.remoteAddress;
  if (!peer) return "unknown";
  // Every redirect asks: without trusted proxies there is no header to parse.
  return trust === trustNoProxy ? peer : proxyAddr(request, trust);
}

/** Whether the socket's peer is a trusted proxy, whose X-Forwarded-Host/-Proto may be believed. */
export function fromTrustedProxy(request: IncomingMessage, trust: ProxyTrust): boolean {
  const peer = request.socket.remoteAddress;
  return peer !== undefined && trust(peer, 0);
}
