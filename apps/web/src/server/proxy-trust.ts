import proxyAddr from "proxy-addr";

/** Whether the hop at `address`, `hop` steps from this server (0 = the socket's peer), is a proxy we trust. */
export type ProxyTrust = (address: string, hop: number) => boolean;

/** The answer when no proxy is trusted: the socket's peer is the client, forwarding headers are the client's own words. */
export const trustNoProxy: ProxyTrust = () => false;

/**
 * TRUST_PROXY, read once at start:
 * - `false` (default): clients reach Hop directly; X-Forwarded-* are ignored.
 * - a number N (`true` = 1): N proxies stand in front of Hop; the client is the
 *   address the outermost of them saw, i.e. the N-th X-Forwarded-For entry
 *   from the right. Entries further left were written by the client.
 * - a list of addresses and CIDR ranges (and proxy-addr's names `loopback`,
 *   `linklocal`, `uniquelocal`): hops from those addresses are proxies; the
 *   client is the first address from the right that is not one of them.
 * Throws with a message for anything else.
 */
export function parseProxyTrust(value: string): ProxyTrust {
  const text = value.trim().toLowerCase();
  if (text === "" || text === "false" || text === "0") return trustNoProxy;
  if (text === "true") return hopCount(1);
  if (/^\d+$/.test(text)) return hopCount(Number(text));
  const entries = text
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  return proxyAddr.compile(entries);
}

function hopCount(hops: number): ProxyTrust {
  if (hops > 32) throw new Error("must be at most 32 hops");
  return (_address, hop) => hop < hops;
}
