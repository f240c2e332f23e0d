/**
 * CSRF defence for state-changing requests: the browser's Origin (or, failing
 * that, Referer) must name the host the browser sent the request to.
 *
 * `expectedHost` is that host as OUR server computed it (the web server's
 * `x-hop-origin`: the Host header, or X-Forwarded-Host only behind a trusted
 * proxy), never a header read here: a client that forges X-Forwarded-Host
 * must not choose which host counts as ours. Hosts are compared with their
 * ports, so another program on the same machine is another site.
 *
 * `Origin: null` (sandboxed frames, data: URLs, cross-site redirects) is
 * refused. A request with neither header comes from a non-browser client,
 * which cannot ride on a victim's cookies, and is let through.
 */
export function isCrossOriginRequest(headers: Headers, expectedHost: string | null): boolean {
  const source = headers.get("origin") ?? headers.get("referer");
  if (source === null) return false;
  if (source === "null" || !expectedHost) return true;
  try {
    const sourceHost = new URL(source).host;
    return sourceHost === "" || sourceHost !== expectedHost.toLowerCase();
  } catch {
    return true;
  }
}

/** The host part of an origin our server computed (`https://hop.example:8443` -> `hop.example:8443`), or null. */
export function hostOfOrigin(origin: string | null): string | null {
  if (!origin) return null;
  try {
    return new URL(origin).host || null;
  } catch {
    return null;
  }
}
