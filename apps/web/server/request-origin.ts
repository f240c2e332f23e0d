import type { IncomingMessage } from "node:http";
import type { TLSSocket } from "node:tls";
import type { ProxyTrust } from "../src/server/proxy-trust";
import { fromTrustedProxy } from "./client-address";

/** Set on every request handed to Next (overwritten or removed, never taken from the client). */
export const requestOriginHeader = "x-hop-origin";

// A Host header is a name or address with an optional port; anything else is not used to build links.
const hostPattern = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

// The value the nearest proxy sent: a proxy that appends puts its own last, after whatever the client wrote.
const lastValue = (value: string | string[] | undefined) => (Array.isArray(value) ? value.join(",") : value)?.split(",").at(-1)?.trim() || undefined;

/**
 * The origin the browser used to reach Hop (`https://hop.example`), from the
 * Host header, or, when the socket's peer is a trusted proxy (TRUST_PROXY), from
 * X-Forwarded-Host/-Proto. Next only
 * sees the address this server listens on, so without this short links of a
 * deployment without SHORT_LINK_BASE_URL would name `localhost`.
 */
export function requestOrigin(request: IncomingMessage, trust: ProxyTrust): string | null {
  const proxied = fromTrustedProxy(request, trust);
  const host = (proxied ? lastValue(request.headers["x-forwarded-host"]) : undefined) ?? request.headers.host;
  if (!host || !hostPattern.test(host)) return null;
  const forwardedProto = proxied ? lastValue(request.headers["x-forwarded-proto"]) : undefined;
  const protocol =
    forwardedProto === "https" || forwardedProto === "http" ? forwardedProto : (request.socket as Partial<TLSSocket>).encrypted ? "https" : "http";
  return `${protocol}://${host.toLowerCase()}`;
}
