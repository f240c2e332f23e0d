/**
 * CSRF defence for state-changing requests: the browser's Origin (or, failing
 * that, Referer) must name the host the request was sent to. A request with
 * neither header comes from a non-browser client, which cannot ride on a
 * victim's cookies, and is let through.
 */
export function isCrossOriginRequest(headers: Headers): boolean {
  const host = headers.get("x-forwarded-host") ?? headers.get("host");
  const source = headers.get("origin") ?? headers.get("referer");
  if (!source) return false;
  if (source === "null" || !host) return true;
  try {
    return new URL(source).host !== host;
  } catch {
    return true;
  }
}
