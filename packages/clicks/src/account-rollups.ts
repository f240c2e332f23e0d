/**
 * The per-account rollups' dimensions (issue 13), as SQL over Click's columns
 * (the table aliased `c`): what compaction, the benchmark's set-based seeding
 * and the analytics API's raw-click queries group and filter on, and what
 * ingestion's deltas (rollup-deltas.ts) compute in JS for the same rows.
 * A dimension's value is what the analytics API filters and groups on:
 * '' for unknown, "direct" for no referrer, the link id for "link".
 */
export const accountRollupDimensions = [
  ["country", `coalesce(c.country, '')`],
  ["region", `coalesce(c.region, '')`],
  ["city", `coalesce(c.city, '')`],
  ["device", `coalesce(c.device, '')`],
  ["browser", `coalesce(c.browser, '')`],
  ["os", `coalesce(c.os, '')`],
  ["referrer", `coalesce(c."referrerHost", 'direct')`],
  ["utmSource", `coalesce(c."utmSource", '')`],
  ["utmMedium", `coalesce(c."utmMedium", '')`],
  ["utmCampaign", `coalesce(c."utmCampaign", '')`],
  ["trigger", `c.trigger`],
  ["link", `c."linkId"`],
] as const;

/** The UTC quarter hour of a click's `"occurredAt"` (timestamp without zone, UTC). */
export const quarterHourSql = `date_bin('15 minutes', "occurredAt", TIMESTAMP '2000-01-01')`;
