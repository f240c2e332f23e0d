import type { RouterInputs } from "@hop/api";
import type { AnalyticsDimension } from "@hop/validators";
import { TRPCError } from "@trpc/server";
import type { CompatRequest, CompatResponse } from "../http";

type Query = RouterInputs["analytics"]["totals"];
type Filter = NonNullable<Query["filters"]>[number];

const badRequest = (message: string) => new TRPCError({ code: "BAD_REQUEST", message });

/** dub's intervals that are Hop's periods as they are; the others become a range ending now. */
const presetByInterval: Record<string, Query["period"]> = { "24h": "24h", "7d": "7d", "30d": "30d", "90d": "90d", mtd: "month", all: "all" };
const dayMs = 86_400_000;

function periodOf(query: URLSearchParams): Query["period"] {
  const start = query.get("start");
  const end = query.get("end");
  if (start || end) {
    const from = new Date(start ?? Date.UTC(2000, 0, 1));
    const to = end ? new Date(end) : new Date();
    if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) throw badRequest("start, end: use ISO 8601 dates");
    return { from, to };
  }
  const interval = query.get("interval") ?? "24h";
  const preset = presetByInterval[interval];
  if (preset) return preset;
  const now = new Date();
  const year = now.getUTCFullYear();
  if (interval === "1y") return { from: new Date(now.getTime() - 365 * dayMs), to: now };
  if (interval === "ytd") return { from: new Date(Date.UTC(year, 0, 1)), to: now };
  if (interval === "qtd") return { from: new Date(Date.UTC(year, Math.floor(now.getUTCMonth() / 3) * 3, 1)), to: now };
  throw badRequest(`interval: use one of 24h, 7d, 30d, 90d, 1y, mtd, qtd, ytd, all`);
}

/** dub's query filters that are Hop dimensions (dub writes "no referrer" as "(direct)", Hop as "direct"). */
const dimensionByParam: Record<string, AnalyticsDimension> = {
  country: "country",
  region: "region",
  city: "city",
  device: "device",
  browser: "browser",
  os: "os",
  referer: "referrer",
  trigger: "trigger",
  utmSource: "utmSource",
  utmMedium: "utmMedium",
  utmCampaign: "utmCampaign",
};

/** dub's groupBy values Hop answers, and the dimension (with dub's key for it) of each breakdown. */
const breakdowns: Record<string, { dimension: AnalyticsDimension; key: string }> = {
  countries: { dimension: "country", key: "country" },
  devices: { dimension: "device", key: "device" },
  browsers: { dimension: "browser", key: "browser" },
  os: { dimension: "os", key: "os" },
  referers: { dimension: "referrer", key: "referer" },
};

const money = { leads: 0, sales: 0, saleAmount: 0 };

/** GET /analytics: clicks only (Hop has no leads or sales), grouped as dub groups them; every number from Hop's analytics procedures. */
export async function retrieveAnalytics(request: CompatRequest): Promise<CompatResponse> {
  const { query } = request;
  const event = query.get("event") ?? "clicks";
  if (event !== "clicks") throw badRequest("event: Hop records clicks only");
  const groupBy = query.get("groupBy") ?? "count";
  const caller = await request.caller();
  const filters: Filter[] = [];
  const linkId = query.get("linkId");
  const key = query.get("key");
  if (linkId) filters.push({ dimension: "link", op: "is", value: linkId });
  else if (key) filters.push({ dimension: "link", op: "is", value: (await caller.links.bySlug({ slug: key })).id });
  const tagId = query.get("tagId");
  if (tagId) {
    const tag = (await caller.tags.list()).find((candidate) => candidate.id === tagId);
    if (!tag) throw new TRPCError({ code: "NOT_FOUND", message: `Tag ${tagId} does not exist` });
    filters.push({ dimension: "tag", op: "is", value: tag.name });
  }
  for (const [param, dimension] of Object.entries(dimensionByParam)) {
    const value = query.get(param);
    if (value !== null) filters.push({ dimension, op: "is", value: dimension === "referrer" && value === "(direct)" ? "direct" : value });
  }
  const scope: Query = { period: periodOf(query), timezone: query.get("timezone") ?? "UTC", filters };

  if (groupBy === "count") {
    const totals = await caller.analytics.totals(scope);
    return { status: 200, body: { clicks: totals.clicks, ...money } };
  }
  if (groupBy === "timeseries") {
    const series = await caller.analytics.timeseries(scope);
    return { status: 200, body: series.points.map((point) => ({ start: point.start.toISOString(), clicks: point.clicks, ...money })) };
  }
  if (groupBy === "top_links") {
    const top = await caller.analytics.top({ ...scope, dimension: "link", limit: 100 });
    const links = await Promise.all(
      top.rows.flatMap((row) => (row.link ? [caller.links.get({ id: row.link.id }).then((link) => ({ link, clicks: row.clicks }))] : [])),
    );
    return {
      status: 200,
      body: links.map(({ link, clicks }) => ({
        link: link.id,
        id: link.id,
        domain: new URL(link.shortUrl).host,
        key: link.slug,
        shortLink: link.shortUrl,
        url: link.url,
        title: link.title,
        comments: null,
        createdAt: link.createdAt.toISOString(),
        clicks,
        ...money,
      })),
    };
  }
  const breakdown = breakdowns[groupBy];
  if (!breakdown) throw badRequest(`groupBy: Hop answers count, timeseries, top_links, ${Object.keys(breakdowns).join(", ")}`);
  const top = await caller.analytics.top({ ...scope, dimension: breakdown.dimension, limit: 100 });
  // dub has no "unknown" row (its country is an ISO code): clicks Hop could not place stay out of the breakdown, as in dub.
  const rows = top.rows.filter((row) => row.value !== "");
  return {
    status: 200,
    body: rows.map((row) => ({
      [breakdown.key]: breakdown.dimension === "referrer" && row.value === "direct" ? "(direct)" : row.value,
      ...(breakdown.dimension === "country" && { region: "*", city: "*" }),
      clicks: row.clicks,
      ...money,
    })),
  };
}
