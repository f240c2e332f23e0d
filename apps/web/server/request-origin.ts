import type { IncomingMessage } from "node:http";
import type { TLSSocket } from "node:tls";

/** Set on every request handed to Next (overwritten or removed, never taken from the client). */
export const requestOriginHeader = "x-hop-origin";

// A Host header is a name or address with an optional port; anything else is not used to build links.
const hostPattern = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

const firstValue = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value)?.split(",")[0]?.trim();

/**
 * The origin the browser used to reach Hop (`https://hop.example`), from the
 * Host header, or with TRUST_PROXY from X-Forwarded-Host/-Proto. Next only
 * sees the address this server listens on, so without this short links of a
 * deployment without SHORT_LINK_BASE_URL would name `localhost`.
 */
export function requestOrigin(request: IncomingMessage, trustProxy: boolean): string | null {
  const host = (trustProxy ? firstValue(request.headers["x-forwarded-host"]) : undefined) ?? request.headers.host;
  if (!host || !hostPattern.test(host)) return null;
  const forwardedProto = trustProxy ? firstValue(request.headers["x-forwarded-proto"]) : undefined;
  const protocol = forwardedProto === "https" || forwardedProto === "http" ? forwardedProto : (request.socket as Partial<TLSSocket>).encrypted ? "https" : "http";
  return `${protocol}://${host.toLowerCase()}`;
}
