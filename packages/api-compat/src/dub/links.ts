import type { RouterInputs, RouterOutputs } from "@hop/api";
import { TRPCError } from "@trpc/server";
import { asTRPCError, type Caller, type CompatRequest, type CompatResponse, intParam, objectBody, refuseUnsupported } from "../http";
import { dubErrorCode } from "./errors";
import { toDubLink } from "./views";

type Link = RouterOutputs["links"]["get"];

/** Hop has no workspaces: each account is one, and dub's SDK wants its id on every link. */
export const hopWorkspaceId = "ws_hop";

const badRequest = (message: string) => new TRPCError({ code: "BAD_REQUEST", message });

/** dub's fields that Hop has no notion of: refused when set to something, never silently dropped. */
const unsupported = [
  "externalId",
  "tenantId",
  "programId",
  "partnerId",
  "prefix",
  "trackConversion",
  "archived",
  "folderId",
  "comments",
  "proxy",
  "description",
  "image",
  "video",
  "rewrite",
  "ios",
  "android",
  "geo",
  "doIndex",
  "ref",
  "testVariants",
  "testStartedAt",
  "testCompletedAt",
  "publicStats",
  "tagId",
] as const;

/** One name or a list (dub takes both), as a list. */
function stringList(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function dateField(body: Record<string, unknown>, field: string): Date | null | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (value === null) return null;
  const date = typeof value === "string" ? new Date(value) : new Date(Number.NaN);
  if (Number.isNaN(date.getTime())) throw badRequest(`${field}: use an ISO 8601 date`);
  return date;
}

/** Hop links as dub's Links (each carries its tags' ids and colours: no second call). */
function dubLinks(links: Link[]) {
  return links.map((link) => toDubLink(link, hopWorkspaceId));
}

/** Hop has one domain, its short-link host. */
function refuseOtherDomain(domain: unknown, ownHost: string): void {
  if (domain === undefined || domain === null || domain === "" || domain === ownHost) return;
  throw new TRPCError({ code: "NOT_FOUND", message: `Hop serves one domain, ${ownHost}` });
}

/** The fields of a dub link body that Hop's create and update take, in their words. */
async function linkFields(caller: Caller, body: Record<string, unknown>, ownHost: string) {
  refuseUnsupported(body, unsupported);
  refuseOtherDomain(body.domain, ownHost);
  if (Array.isArray(body.webhookIds) && body.webhookIds.length > 0) throw badRequest("webhookIds: Hop does not support this field");
  const tagIds = stringList(body.tagIds);
  const names = stringList(body.tagNames);
  if (tagIds.length > 0) {
    const known = new Map((await caller.tags.list()).map((tag) => [tag.id, tag.name]));
    for (const id of tagIds) {
      const name = known.get(String(id));
      if (!name) throw new TRPCError({ code: "NOT_FOUND", message: `Tag ${String(id)} does not exist` });
      names.push(name);
    }
  }
  const hasTags = body.tagIds !== undefined || body.tagNames !== undefined;
  const utmKeys = ["source", "medium", "campaign", "term", "content"] as const;
  const hasUtm = utmKeys.some((key) => body[`utm_${key}`] !== undefined);
  return {
    url: body.url as string | undefined,
    slug: body.key as string | undefined,
    title: body.title as string | null | undefined,
    password: body.password as string | null | undefined,
    expiresAt: dateField(body, "expiresAt"),
    expiredUrl: body.expiredUrl as string | null | undefined,
    tags: hasTags ? (names as string[]) : undefined,
    utm: hasUtm ? Object.fromEntries(utmKeys.flatMap((key) => (body[`utm_${key}`] ? [[key, body[`utm_${key}`] as string]] : []))) : undefined,
  };
}

export async function createLink(request: CompatRequest, ownHost: string): Promise<CompatResponse> {
  const caller = await request.caller();
  const fields = await linkFields(caller, objectBody(await request.readJson()), ownHost);
  const link = await caller.links.create({ ...fields, url: fields.url as string });
  const [view] = dubLinks([link]);
  return { status: 200, body: view };
}

/** tRPC's codes as dub's, for the per-link failures of a bulk create. */
const dubCodeByTrpcCode: Record<string, string> = {
  BAD_REQUEST: "bad_request",
  UNAUTHORIZED: "unauthorized",
  FORBIDDEN: "forbidden",
  NOT_FOUND: "not_found",
  CONFLICT: "conflict",
  UNPROCESSABLE_CONTENT: "unprocessable_entity",
  TOO_MANY_REQUESTS: "rate_limit_exceeded",
};

/**
 * POST /links/bulk: Hop's own bulk create (links.createMany), which creates
 * each link like a single create and lists the refused ones by index; each
 * refused link is dub's `{ link, error, code }` in its place. A link whose
 * dub fields cannot be translated is refused in its place too.
 */
export async function createManyLinks(request: CompatRequest, ownHost: string): Promise<CompatResponse> {
  const body = await request.readJson();
  if (!Array.isArray(body)) throw badRequest("Send a JSON array of links");
  if (body.length === 0 || body.length > 100) throw badRequest("Send from 1 to 100 links");
  const caller = await request.caller();
  const results: Array<Link | { link: unknown; error: string; code: string }> = new Array(body.length);
  const translated: Array<{ index: number; input: RouterInputs["links"]["create"] }> = [];
  for (const [index, item] of body.entries()) {
    try {
      const fields = await linkFields(caller, objectBody(item), ownHost);
      translated.push({ index, input: { ...fields, url: fields.url as string } });
    } catch (error) {
      const trpcError = asTRPCError(error);
      results[index] = { link: item, error: trpcError.message, code: dubErrorCode(trpcError) };
    }
  }
  if (translated.length > 0) {
    const outcome = await caller.links.createMany({ links: translated.map((each) => each.input) });
    // Hop's answer counts in the links it was sent; dub's in the request's.
    const requestIndex = (index: number) => translated[index]?.index ?? -1;
    for (const created of outcome.created) results[requestIndex(created.index)] = created.link;
    for (const failed of outcome.failed) {
      const index = requestIndex(failed.index);
      results[index] = { link: body[index], error: failed.message, code: dubCodeByTrpcCode[failed.code] ?? "internal_server_error" };
    }
  }
  const links = results.filter((result): result is Link => "slug" in result);
  const views = new Map(dubLinks(links).map((view) => [view.id, view]));
  return { status: 200, body: results.map((result) => ("slug" in result ? views.get(result.id) : result)) };
}

/** GET /links/info?linkId= | ?key= (with the domain or not); dub's externalId is not a Hop notion. */
export async function getLink(request: CompatRequest, ownHost: string): Promise<CompatResponse> {
  const { query } = request;
  const linkId = query.get("linkId");
  const key = query.get("key");
  if (!linkId && !key) throw badRequest("Give linkId, or key (with domain)");
  refuseOtherDomain(query.get("domain") ?? undefined, ownHost);
  const caller = await request.caller();
  const link = linkId ? await caller.links.get({ id: linkId }) : await caller.links.bySlug({ slug: key ?? "" });
  const [view] = dubLinks([link]);
  return { status: 200, body: view };
}

/** GET /links?page=&pageSize=&search=&tagNames=: newest first, as dub lists them. */
export async function listLinks(request: CompatRequest, ownHost: string): Promise<CompatResponse> {
  const { query } = request;
  const page = intParam(query, "page", 1, 1, 100_000);
  const pageSize = intParam(query, "pageSize", 100, 1, 100);
  refuseOtherDomain(query.get("domain") ?? undefined, ownHost);
  const caller = await request.caller();
  const tagNames = (query.get("tagNames") ?? "").split(",").filter(Boolean);
  const tagIds = [...(query.get("tagIds") ?? "").split(","), query.get("tagId") ?? ""].filter(Boolean);
  if (tagIds.length > 0) {
    const known = new Map((await caller.tags.list()).map((tag) => [tag.id, tag.name]));
    for (const id of tagIds) tagNames.push(known.get(id) ?? `\u0000unknown`);
  }
  if (tagNames.length > 1) throw badRequest("tagNames: Hop filters by one tag at a time");
  // A tag id nobody has: no link carries it.
  if (tagNames[0]?.startsWith("\u0000")) return { status: 200, body: [] };
  const result = await caller.links.list({
    search: query.get("search") ?? undefined,
    tag: tagNames[0],
    sort: "newest",
    limit: pageSize,
    offset: (page - 1) * pageSize,
  });
  return { status: 200, body: dubLinks(result.items) };
}

export async function updateLink(request: CompatRequest, linkId: string, ownHost: string): Promise<CompatResponse> {
  const caller = await request.caller();
  const fields = await linkFields(caller, objectBody(await request.readJson()), ownHost);
  const link = await caller.links.update({ id: linkId, ...fields });
  const [view] = dubLinks([link]);
  return { status: 200, body: view };
}

/**
 * PUT /links/upsert: dub's rule: the account's link to the same URL is
 * updated with the body, else a new link is made. Found through the links
 * list's own search, then the exact URL.
 */
export async function upsertLink(request: CompatRequest, ownHost: string): Promise<CompatResponse> {
  const caller = await request.caller();
  const body = objectBody(await request.readJson());
  const fields = await linkFields(caller, body, ownHost);
  if (typeof fields.url !== "string") throw badRequest("url: give the destination URL");
  const normalised = (() => {
    try {
      return new URL(fields.url).href;
    } catch {
      return fields.url;
    }
  })();
  const candidates = await caller.links.list({ search: fields.url.slice(0, 200), sort: "oldest", limit: 100 });
  const existing = candidates.items.find((link) => link.url === normalised);
  const link = existing ? await caller.links.update({ id: existing.id, ...fields }) : await caller.links.create({ ...fields, url: fields.url });
  const [view] = dubLinks([link]);
  return { status: 200, body: view };
}

export async function deleteLink(request: CompatRequest, linkId: string): Promise<CompatResponse> {
  const caller = await request.caller();
  const deleted = await caller.links.delete({ id: linkId });
  return { status: 200, body: { id: deleted.id } };
}
