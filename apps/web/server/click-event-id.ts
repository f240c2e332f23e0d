import { createHash, randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { ProxyTrust } from "../src/server/proxy-trust";
import { fromTrustedProxy } from "./client-address";

/** The header a trusted proxy names each request with (haproxy: `unique-id-format` + `http-request set-header X-Request-Id %[unique-id]`). */
export const requestIdHeader = "x-request-id";

/**
 * The event id of a visit's click. The redirect records the click before it
 * answers, so when an instance dies in between, a proxy that replays the GET
 * to another instance (haproxy `retry-on empty-response`) would count the
 * visit twice. Behind a trusted proxy (TRUST_PROXY) that names each request,
 * the id is derived from that name: the replay records the same event and
 * the ingestion, unique on event id, counts it once. A name from anyone else
 * is ignored (it would let a client pick which of its visits merge).
 */
export function clickEventId(request: IncomingMessage, trust: ProxyTrust): string {
  const named = request.headers[requestIdHeader];
  if (typeof named === "string" && named.length > 0 && named.length <= 256 && fromTrustedProxy(request, trust)) {
    // 4 + 43 characters, within the event id's 64.
    return `req-${createHash("sha256").update(named).digest("base64url")}`;
  }
  return randomUUID();
}
