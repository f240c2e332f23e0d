import type { IncomingMessage } from "node:http";

/** Set on every request handed to Next; any value a client sent is overwritten. */
export const clientIpHeader = "x-hop-client-ip";

/** The client's address: the socket's peer, or with TRUST_PROXY the first X-Forwarded-For hop. */
export function clientAddress(request: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = request.headers["x-forwarded-for"];
    const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(",")[0]?.trim();
    if (first) return first;
  }
  return request.socket.remoteAddress ?? "unknown";
}
