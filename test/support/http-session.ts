import type { AppRouter } from "@hop/api";
import { createTRPCClient, httpLink, type TRPCClient } from "@trpc/client";
import superjson from "superjson";

/**
 * An HTTP client of the API that keeps its session cookie, like a browser
 * tab, and can be pointed at any web instance: the cookie is not tied to one.
 * `initialCookie`, when given, supplies the session to start with.
 */
export function createCookieClient(initialCookie?: () => Promise<string>) {
  let cookie: string | undefined;
  let started: Promise<void> | undefined;
  const fetchWithCookies: typeof fetch = async (input, init) => {
    // A client that starts signed in gets its cookie before its first request.
    if (initialCookie) {
      started ??= initialCookie().then((value) => {
        cookie ??= value;
      });
      await started;
    }
    const headers = new Headers(init?.headers);
    if (cookie) headers.set("cookie", `hop_session=${cookie}`);
    const response = await fetch(input, { ...init, headers });
    const setCookie = response.headers.get("set-cookie");
    if (setCookie) cookie = /hop_session=([^;]*)/.exec(setCookie)?.[1] || undefined;
    return response;
  };
  return {
    get cookie() {
      return cookie;
    },
    api(webUrl: string): TRPCClient<AppRouter> {
      return createTRPCClient<AppRouter>({ links: [httpLink({ url: `${webUrl}/api/trpc`, transformer: superjson, fetch: fetchWithCookies })] });
    },
  };
}
