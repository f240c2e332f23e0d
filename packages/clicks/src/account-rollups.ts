/**
 * The per-account rollups' dimensions (issue 13), as SQL over Click's columns:
 * what compaction and the benchmark's set-based seeding group on, and what
 * ingestion's deltas (rollup-deltas.ts) compute in JS for the same rows.
 * A dimension's value is what the analytics API filters and groups on:
 * '' for unknown, "direct" for no referrer, the link id for "link".
 */
export const accountRollupDimensions = [
  ["country", `coalesce(country, '')`],
  ["region", `coalesce(region, '')`],
  ["city", `coalesce(city, '')`],
  ["device", `coalesce(device, '')`],
  ["browser", `coalesce(browser, '')`],
  ["os", `coalesce(os, '')`],
  ["referrer", `coalesce("referrerHost", 'direct')`],
  ["utmSource", `coalesce("utmSource", '')`],
  ["utmMedium", `coalesce("utmMedium", '')`],
  ["utmCampaign", `coalesce("utmCampaign", '')`],
  ["trigger", `trigger`],
  ["link", `"linkId"`],
] as const;

/** The UTC quarter hour of a click's `"occurredAt"` (timestamp without zone, UTC). */
export const quarterHourSql = `date_bin('15 minutes', "occurredAt", TIMESTAMP '2000-01-01')`;
