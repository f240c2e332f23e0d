import type { IncomingMessage } from "node:http";
import proxyAddr from "proxy-addr";
import type { ProxyTrust } from "../src/server/proxy-trust";

/** Set on every request handed to Next; any value a client sent is overwritten. */
export const clientIpHeader = "x-hop-client-ip";

/**
 * The client's address: the socket's peer, or behind trusted proxies
 * (TRUST_PROXY) the address the outermost trusted proxy saw, read from the
 * right of X-Forwarded-For. The leftmost entries are whatever the client
 * wrote, so they never count (proxy-addr, as Express uses it).
 */
export function clientAddress(request: IncomingMessage, trust: ProxyTrust): string {
  if (!request.socket.remoteAddress) return "unknown";
  return proxyAddr(request, trust);
}

/** Whether the socket's peer is a trusted proxy, whose X-Forwarded-Host/-Proto may be believed. */
export function fromTrustedProxy(request: IncomingMessage, trust: ProxyTrust): boolean {
  const peer = request.socket.remoteAddress;
  return peer !== undefined && trust(peer, 0);
}
