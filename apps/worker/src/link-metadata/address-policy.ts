import ipaddr from "ipaddr.js";

/**
 * Which addresses the metadata fetcher may connect to: public unicast only.
 * Refused: private (10/8, 172.16/12, 192.168/16, fc00::/7), loopback,
 * link-local (169.254/16 with the cloud metadata services, fe80::/10),
 * carrier-grade NAT, unspecified, multicast, broadcast, reserved and the
 * IPv6 forms that embed an IPv4 address (mapped, NAT64, 6to4, Teredo), which
 * are judged by the address they carry or refused. `allowLoopback` (tests)
 * lets 127/8 and ::1 through, nothing else.
 */
export function refusalOf(address: string, allowLoopback: boolean): string | null {
  if (!ipaddr.isValid(address)) return `${address} is not an IP address`;
  // ::ffff:a.b.c.d is judged as a.b.c.d.
  const parsed = ipaddr.process(address);
  const range = parsed.range();
  if (range === "unicast") return null;
  if (range === "loopback" && allowLoopback) return null;
  return `${parsed.toString()} is a ${range} address`;
}

/** The address in a URL's hostname when it is an IP literal ("[::1]" -> "::1"), else null. */
export function ipLiteralOf(hostname: string): string | null {
  const bare = hostname.startsWith("[") && hostname.endsWith("]") ? hostname.slice(1, -1) : hostname;
  return ipaddr.isValid(bare) ? bare : null;
}
