/**
 * Shlink's REST API v3 (`/rest/v3/...`, `/rest/health`), so that Shlink's
 * official clients work against Hop: each route translates the request into
 * calls of Hop's own procedures and their answers into Shlink's shapes, and
 * holds no rule of its own. A short code is a Hop slug; Hop has one domain.
 */
import type { TRPCError } from "@trpc/server";
import { asTRPCError, type CompatRequest, type CompatResponse } from "../http";
import { type ShlinkSubject, shlinkProblem } from "./errors";
import { createShortUrl, deleteShortUrl, editShortUrl, getShortUrl, listShortUrls } from "./short-urls";
import { deleteTags, listTags, renameTag, tagsStats } from "./tags";
import { shortUrlVisits, visitsOverview } from "./visits";

/** The Shlink version whose REST API Hop answers (what shlink-web-client reads from /rest/health to pick features). */
export const shlinkApiVersion = "4.0.0";

/** Where the API is mounted; the web server sends every request below it here. */
export const shlinkPrefix = "/rest";

/** Shlink's key header: the web server hands it to Hop's key check as the key. */
export const shlinkKeyHeader = "x-api-key";

/**
 * A browser app on another origin (shlink-web-client) sends X-Api-Key, so
 * every answer allows any origin: the key is in a header, never a cookie, so
 * there is nothing ambient for another site to ride on.
 */
export const shlinkCorsHeaders: Record<string, string> = {
  "access-control-allow-origin": "*",
  "access-control-allow-headers": "X-Api-Key, Content-Type, Accept, Authorization",
  "access-control-allow-methods": "GET, POST, PUT, PATCH, DELETE, OPTIONS",
  "access-control-expose-headers": "RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, Retry-After",
  "access-control-max-age": "3600",
};

export interface ShlinkOptions {
  /** The host of Hop's short links: Shlink's one (default) domain. */
  shortLinkHost: string;
}

type Route = { subject: ShlinkSubject; run: () => Promise<CompatResponse> };

function route(request: CompatRequest, options: ShlinkOptions): Route | null {
  const { method } = request;
  // "/v3/short-urls/abc/visits" -> ["short-urls", "abc", "visits"]; /rest/health has no version.
  const path = request.path === "/health" ? "/v3/health" : request.path;
  const match = /^\/v3(\/.*)?$/.exec(path);
  if (!match) return null;
  const segments = (match[1] ?? "/").split("/").slice(1).map(decodeURIComponent);
  const [first, second, third] = segments;
  const host = options.shortLinkHost;
  if (first === "health" && segments.length === 1 && method === "GET") {
    return {
      subject: "other",
      run: async () => ({
        status: 200,
        headers: { "content-type": "application/health+json" },
        body: { status: "pass", version: shlinkApiVersion, links: { about: "https://shlink.io", project: "https://github.com/shlinkio/shlink" } },
      }),
    };
  }
  if (first === "short-urls") {
    if (segments.length === 1 && method === "GET") return { subject: "short-url", run: () => listShortUrls(request) };
    if (segments.length === 1 && method === "POST") return { subject: "short-url", run: () => createShortUrl(request, host) };
    if (second && segments.length === 2) {
      if (method === "GET") return { subject: "short-url", run: () => getShortUrl(request, second, host) };
      if (method === "PATCH") return { subject: "short-url", run: () => editShortUrl(request, second, host) };
      if (method === "DELETE") return { subject: "short-url", run: () => deleteShortUrl(request, second, host) };
    }
    if (second && third === "visits" && segments.length === 3 && method === "GET") return { subject: "short-url", run: () => shortUrlVisits(request, second) };
  }
  if (first === "visits" && segments.length === 1 && method === "GET") return { subject: "other", run: () => visitsOverview(request) };
  if (first === "tags") {
    if (segments.length === 1 && method === "GET") return { subject: "tag", run: () => listTags(request) };
    if (segments.length === 1 && method === "PUT") return { subject: "tag", run: () => renameTag(request) };
    if (segments.length === 1 && method === "DELETE") return { subject: "tag", run: () => deleteTags(request) };
    if (second === "stats" && segments.length === 2 && method === "GET") return { subject: "tag", run: () => tagsStats(request) };
  }
  if (first === "domains" && segments.length === 1 && method === "GET") {
    return {
      subject: "other",
      run: async () => {
        // Who may list domains is the key check's business: a request with a bad key is refused like any other.
        await request.caller();
        const redirects = { baseUrlRedirect: null, regular404Redirect: null, invalidShortUrlRedirect: null };
        return { status: 200, body: { domains: { data: [{ domain: host, isDefault: true, redirects }], defaultRedirects: redirects } } };
      },
    };
  }
  return null;
}

/** Answers one request below /rest (CORS preflight included); never throws. */
export async function handleShlinkRequest(request: CompatRequest, options: ShlinkOptions): Promise<CompatResponse> {
  const withCors = (response: CompatResponse): CompatResponse => ({ ...response, headers: { ...shlinkCorsHeaders, ...response.headers } });
  if (request.method === "OPTIONS") return withCors({ status: 204 });
  const found = route(request, options);
  if (!found) {
    return withCors({
      status: 404,
      headers: { "content-type": "application/problem+json" },
      body: { type: "https://shlink.io/api/error/not-found", title: "Not found", detail: "Requested route does not exist.", status: 404 },
    });
  }
  try {
    return withCors(await found.run());
  } catch (error) {
    const trpcError: TRPCError = asTRPCError(error);
    return withCors(shlinkProblem(trpcError, found.subject, request.headers.has(shlinkKeyHeader)));
  }
}
