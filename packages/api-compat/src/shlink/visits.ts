import type { RouterInputs, RouterOutputs } from "@hop/api";
import { TRPCError } from "@trpc/server";
import { type CompatRequest, type CompatResponse, intParam } from "../http";
import { shlinkDate, shlinkPagination } from "./views";

type RawClick = RouterOutputs["analytics"]["clicks"]["clicks"][number];
type Period = RouterInputs["analytics"]["clicks"]["period"];

/** Hop's largest page of raw clicks; a larger (or Shlink's "-1", all) `itemsPerPage` becomes pages of this size. */
const maxItemsPerPage = 1_000;

const countryNames = new Intl.DisplayNames(["en"], { type: "region" });
function countryName(code: string): string | null {
  try {
    return countryNames.of(code) ?? null;
  } catch {
    return null;
  }
}

/** A raw click as a Shlink visit. Hop keeps the referrer's host only, and no coordinates (no raw IP, ever). */
function toVisit(click: RawClick, shortUrl: string) {
  const location = { country: click.country || null, region: click.region || null, city: click.city || null };
  const isEmpty = !location.country && !location.region && !location.city;
  return {
    referer: click.referrer === "direct" ? "" : click.referrer,
    date: shlinkDate(click.occurredAt),
    userAgent: click.userAgent ?? "",
    visitLocation: isEmpty
      ? null
      : {
          countryCode: location.country,
          countryName: location.country ? countryName(location.country) : null,
          regionName: location.region,
          cityName: location.city,
          latitude: null,
          longitude: null,
          timezone: null,
          isEmpty,
        },
    potentialBot: click.isBot,
    visitedUrl: shortUrl,
    redirectUrl: null,
  };
}

/** Shlink's startDate/endDate as Hop's period: all time, or the range (an open end is now, an open start Hop's first day). */
function periodOf(query: URLSearchParams): Period {
  const start = query.get("startDate");
  const end = query.get("endDate");
  if (!start && !end) return "all";
  const from = start ? new Date(start) : new Date(Date.UTC(2000, 0, 1));
  const to = end ? new Date(end) : new Date();
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) {
    throw new TRPCError({ code: "BAD_REQUEST", message: "startDate, endDate: use ISO 8601 dates" });
  }
  return { from, to };
}

/**
 * GET /short-urls/{shortCode}/visits: the link's raw clicks, newest first,
 * by page. Hop pages raw clicks by cursor, so page N follows the cursors of
 * the pages before it; `totalItems` is the rollups' count of the period
 * (raw clicks past Hop's retention are counted there but no longer listed).
 */
export async function shortUrlVisits(request: CompatRequest, shortCode: string): Promise<CompatResponse> {
  const { query } = request;
  const page = intParam(query, "page", 1, 1, 100_000);
  const asked = intParam(query, "itemsPerPage", maxItemsPerPage, -1, 1_000_000);
  const itemsPerPage = asked <= 0 || asked > maxItemsPerPage ? maxItemsPerPage : asked;
  const includeBots = query.get("excludeBots") !== "true";
  const period = periodOf(query);
  const caller = await request.caller();
  const link = await caller.links.bySlug({ slug: shortCode });
  const scope = { period, filters: [{ dimension: "link" as const, op: "is" as const, value: link.id }], includeBots };
  const [totals, clicks] = await Promise.all([
    caller.analytics.totals(scope),
    (async () => {
      let cursor: string | null = null;
      for (let current = 1; ; current++) {
        const result: RouterOutputs["analytics"]["clicks"] = await caller.analytics.clicks({ ...scope, cursor, limit: itemsPerPage });
        if (current === page) return result.clicks;
        if (!result.nextCursor) return [];
        cursor = result.nextCursor;
      }
    })(),
  ]);
  const data = clicks.map((click) => toVisit(click, link.shortUrl));
  return { status: 200, body: { visits: { data, pagination: shlinkPagination(page, itemsPerPage, data.length, Math.max(totals.clicks, data.length)) } } };
}

/** GET /visits: the account's visits of all time, with and without bots, from the rollups. Hop has no orphan visits. */
export async function visitsOverview(request: CompatRequest): Promise<CompatResponse> {
  const caller = await request.caller();
  const [humans, all] = await Promise.all([caller.analytics.totals({ period: "all" }), caller.analytics.totals({ period: "all", includeBots: true })]);
  const nonOrphanVisits = { total: all.clicks, nonBots: humans.clicks, bots: all.clicks - humans.clicks };
  const orphanVisits = { total: 0, nonBots: 0, bots: 0 };
  return { status: 200, body: { visits: { nonOrphanVisits, orphanVisits, visitsCount: all.clicks, orphanVisitsCount: 0 } } };
}
