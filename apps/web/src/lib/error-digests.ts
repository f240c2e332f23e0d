/**
 * Digests of errors the server throws on purpose. Next hides a server
 * error's message from the browser but keeps a digest that the error already
 * carries, so the error page can say what happened in words the user can act on.
 */
export const sessionsUnavailableDigest = "HOP_SESSIONS_UNAVAILABLE";
