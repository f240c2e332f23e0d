/**
 * Headers on every page and API answer (the redirect's bare 30x answers go
 * without: they carry no content to frame or sniff).
 * - CSP frame-ancestors 'none' (and X-Frame-Options for old browsers): no
 *   site may frame Hop's pages to trick clicks on them.
 * - nosniff: a response is only ever read as its declared type.
 * - Referrer-Policy: other sites see Hop's origin, never a page's path.
 * A full script-src policy would need per-request nonces through Next; it is
 * not set here.
 */
const always = {
  "content-security-policy": "frame-ancestors 'none'; base-uri 'self'; object-src 'none'",
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  "referrer-policy": "strict-origin-when-cross-origin",
} as const;

/** Over https only (a browser ignores it over http, and it must not pin a plain-http install). */
const overHttps = { ...always, "strict-transport-security": "max-age=31536000" } as const;

export function securityHeaders(origin: string | null): Readonly<Record<string, string>> {
  return origin?.startsWith("https:") ? overHttps : always;
}
