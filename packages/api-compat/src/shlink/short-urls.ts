import type { LinkSort } from "@hop/validators";
import { TRPCError } from "@trpc/server";
import { type CompatRequest, type CompatResponse, intParam, objectBody, refuseUnsupported } from "../http";
import { shlinkPagination, toShortUrl } from "./views";

/** Shlink's `orderBy` values that Hop's sorts answer exactly; any other is refused, not approximated. */
const sortByOrder: Record<string, LinkSort> = {
  "dateCreated-DESC": "newest",
  "dateCreated-ASC": "oldest",
  "visits-DESC": "most-clicked",
  "nonBotVisits-DESC": "most-clicked",
  "shortCode-ASC": "slug",
};

/** Hop's largest page; Shlink's "-1" (everything) becomes pages of this size, which `pagination` then describes. */
const maxItemsPerPage = 100;

const badRequest = (message: string) => new TRPCError({ code: "BAD_REQUEST", message });

/** A Shlink date-time (ISO 8601), null to clear, or absent. */
function dateField(body: Record<string, unknown>, field: string): Date | null | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (value === null) return null;
  const date = typeof value === "string" ? new Date(value) : new Date(Number.NaN);
  if (Number.isNaN(date.getTime())) throw badRequest(`${field}: use an ISO 8601 date, like 2027-01-31T12:00:00+00:00`);
  return date;
}

/** Fields Shlink has and Hop does not: refused when set, never silently dropped. */
const unsupported = ["validSince", "maxVisits", "findIfExists", "deviceLongUrls"] as const;

/** Hop has one domain: the default one (Shlink's null or "DEFAULT") or its own host name. */
function refuseOtherDomain(domain: unknown, ownHost: string): void {
  if (domain === undefined || domain === null || domain === "" || domain === "DEFAULT" || domain === ownHost) return;
  throw new TRPCError({ code: "NOT_FOUND", message: `Hop serves one domain, ${ownHost}` });
}

export async function listShortUrls(request: CompatRequest): Promise<CompatResponse> {
  const { query } = request;
  const page = intParam(query, "page", 1, 1, 100_000);
  const asked = intParam(query, "itemsPerPage", 10, -1, 1_000_000);
  const itemsPerPage = asked <= 0 || asked > maxItemsPerPage ? maxItemsPerPage : asked;
  const orderBy = query.get("orderBy");
  const sort = orderBy ? sortByOrder[orderBy] : "newest";
  if (!sort) throw badRequest(`orderBy: Hop sorts by ${Object.keys(sortByOrder).join(", ")}`);
  const tags = query.getAll("tags[]");
  if (tags.length > 1) throw badRequest("tags: Hop filters by one tag at a time");
  const caller = await request.caller();
  const result = await caller.links.list({
    search: query.get("searchTerm") ?? undefined,
    tag: tags[0],
    sort,
    limit: itemsPerPage,
    offset: (page - 1) * itemsPerPage,
  });
  return {
    status: 200,
    body: { shortUrls: { data: result.items.map(toShortUrl), pagination: shlinkPagination(page, itemsPerPage, result.items.length, result.total) } },
  };
}

export async function createShortUrl(request: CompatRequest, ownHost: string): Promise<CompatResponse> {
  const body = objectBody(await request.readJson());
  refuseUnsupported(body, unsupported);
  refuseOtherDomain(body.domain, ownHost);
  const caller = await request.caller();
  const link = await caller.links.create({
    url: body.longUrl as string,
    slug: body.customSlug as string | undefined,
    title: body.title as string | null | undefined,
    tags: body.tags as string[] | undefined,
    expiresAt: dateField(body, "validUntil"),
  });
  return { status: 200, body: toShortUrl(link) };
}

export async function getShortUrl(request: CompatRequest, shortCode: string, ownHost: string): Promise<CompatResponse> {
  refuseOtherDomain(request.query.get("domain") ?? undefined, ownHost);
  const caller = await request.caller();
  return { status: 200, body: toShortUrl(await caller.links.bySlug({ slug: shortCode })) };
}

export async function editShortUrl(request: CompatRequest, shortCode: string, ownHost: string): Promise<CompatResponse> {
  refuseOtherDomain(request.query.get("domain") ?? undefined, ownHost);
  const body = objectBody(await request.readJson());
  refuseUnsupported(body, unsupported);
  const caller = await request.caller();
  const { id } = await caller.links.bySlug({ slug: shortCode });
  const link = await caller.links.update({
    id,
    url: body.longUrl as string | undefined,
    title: body.title as string | null | undefined,
    tags: body.tags as string[] | undefined,
    expiresAt: dateField(body, "validUntil"),
  });
  return { status: 200, body: toShortUrl(link) };
}

export async function deleteShortUrl(request: CompatRequest, shortCode: string, ownHost: string): Promise<CompatResponse> {
  refuseOtherDomain(request.query.get("domain") ?? undefined, ownHost);
  const caller = await request.caller();
  const { id } = await caller.links.bySlug({ slug: shortCode });
  await caller.links.delete({ id });
  return { status: 204 };
}
