/**
 * dub's API (`/api/dub/...`), so that dub's official SDK works against Hop
 * with `serverURL` = `<origin>/api/dub`: each route translates the request
 * into calls of Hop's own procedures and their answers into dub's shapes,
 * which the SDK validates strictly; no rule of its own lives here.
 */
import { asTRPCError, type CompatRequest, type CompatResponse } from "../http";
import { retrieveAnalytics } from "./analytics";
import { dubError } from "./errors";
import { createLink, createManyLinks, deleteLink, getLink, listLinks, updateLink, upsertLink } from "./links";
import { createTag, deleteTag, listTags, updateTag } from "./tags";

export const dubPrefix = "/api/dub";

export interface DubOptions {
  /** The host of Hop's short links: dub's one domain. */
  shortLinkHost: string;
}

function route(request: CompatRequest, options: DubOptions): (() => Promise<CompatResponse>) | null {
  const { method } = request;
  const segments = request.path.split("/").slice(1).map(decodeURIComponent);
  const [first, second] = segments;
  const host = options.shortLinkHost;
  if (first === "links") {
    if (segments.length === 1 && method === "GET") return () => listLinks(request, host);
    if (segments.length === 1 && method === "POST") return () => createLink(request, host);
    if (second === "info" && segments.length === 2 && method === "GET") return () => getLink(request, host);
    if (second === "bulk" && segments.length === 2 && method === "POST") return () => createManyLinks(request, host);
    if (second === "upsert" && segments.length === 2 && method === "PUT") return () => upsertLink(request, host);
    if (second && segments.length === 2 && method === "PATCH") return () => updateLink(request, second, host);
    if (second && segments.length === 2 && method === "DELETE") return () => deleteLink(request, second);
  }
  if (first === "analytics" && segments.length === 1 && method === "GET") return () => retrieveAnalytics(request);
  if (first === "tags") {
    if (segments.length === 1 && method === "GET") return () => listTags(request);
    if (segments.length === 1 && method === "POST") return () => createTag(request);
    if (second && segments.length === 2 && method === "PATCH") return () => updateTag(request, second);
    if (second && segments.length === 2 && method === "DELETE") return () => deleteTag(request, second);
  }
  return null;
}

/** Answers one request below /api/dub; never throws. */
export async function handleDubRequest(request: CompatRequest, options: DubOptions): Promise<CompatResponse> {
  const found = route(request, options);
  if (!found)
    return { status: 404, body: { error: { code: "not_found", message: "No such route in dub's API", doc_url: "https://dub.co/docs/api-reference" } } };
  try {
    return await found();
  } catch (error) {
    return dubError(asTRPCError(error));
  }
}
