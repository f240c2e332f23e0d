import { Prisma } from "@hop/db";

/**
 * The per-account rollups (issue 13), as SQL that ingestion runs in its one
 * statement and that a backfill or benchmark can run over stored clicks.
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

/**
 * CTEs that add the clicks of `source` (a relation with Click's columns
 * plus `user_id`, the owner) to AccountClickBucket, AccountDimensionBucket,
 * AccountDimensionDay, and the visitors of the day to AccountDailyVisitor and
 * AccountDailyUniques: one GROUP BY each, so a batch touches one row per
 * (owner, bucket, bot, dimension, value), rows in key order (two workers wait
 * for each other instead of deadlocking). Idempotence is the caller's: feed
 * only rows inserted now.
 */
export function accountRollupCtes(source: string): Prisma.Sql {
  const values = accountRollupDimensions.map(([dimension, value]) => `('${dimension}', ${value})`).join(", ");
  return Prisma.raw(`
    account_dimension_values AS (
      SELECT user_id, ${quarterHourSql} AS bucket, "isBot", d.dimension, d.value
      FROM ${source} CROSS JOIN LATERAL (VALUES ${values}) AS d(dimension, value)
    ),
    account_buckets AS (
      INSERT INTO "AccountClickBucket" ("userId", "bucket", "isBot", "clicks")
      SELECT user_id, ${quarterHourSql}, "isBot", count(*) FROM ${source} GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
      ON CONFLICT ("userId", "bucket", "isBot") DO UPDATE SET "clicks" = "AccountClickBucket"."clicks" + excluded."clicks"
      RETURNING 1
    ),
    account_dimension_buckets AS (
      INSERT INTO "AccountDimensionBucket" ("userId", "dimension", "bucket", "isBot", "value", "clicks")
      SELECT user_id, dimension, bucket, "isBot", value, count(*) FROM account_dimension_values GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
      ON CONFLICT ("userId", "dimension", "bucket", "isBot", "value") DO UPDATE SET "clicks" = "AccountDimensionBucket"."clicks" + excluded."clicks"
      RETURNING 1
    ),
    account_dimension_days AS (
      INSERT INTO "AccountDimensionDay" ("userId", "dimension", "day", "isBot", "value", "clicks")
      SELECT user_id, dimension, bucket::date, "isBot", value, count(*) FROM account_dimension_values GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
      ON CONFLICT ("userId", "dimension", "day", "isBot", "value") DO UPDATE SET "clicks" = "AccountDimensionDay"."clicks" + excluded."clicks"
      RETURNING 1
    ),
    account_visitor_values AS (
      SELECT user_id, "occurredAt"::date AS day, k.kind, "visitorHash", min("occurredAt") AS first_at, max("occurredAt") AS last_at
      FROM ${source} CROSS JOIN LATERAL (VALUES ('all'), ('human')) AS k(kind)
      WHERE k.kind = 'all' OR NOT "isBot"
      GROUP BY 1, 2, 3, 4
    ),
    account_visitors AS (
      INSERT INTO "AccountDailyVisitor" AS v ("userId", "day", "kind", "visitorHash", "firstAt", "lastAt")
      SELECT user_id, day, kind, "visitorHash", first_at, last_at FROM account_visitor_values ORDER BY 1, 2, 3, 4
      ON CONFLICT ("userId", "day", "kind", "visitorHash") DO UPDATE
        SET "firstAt" = least(v."firstAt", excluded."firstAt"), "lastAt" = greatest(v."lastAt", excluded."lastAt")
        WHERE excluded."firstAt" < v."firstAt" OR excluded."lastAt" > v."lastAt"
      -- xmax = 0 only on a row inserted now: a visitor already seen that day (by any worker) is not counted again.
      RETURNING v."userId", v.day, v.kind, (v.xmax = 0) AS inserted
    ),
    account_uniques AS (
      INSERT INTO "AccountDailyUniques" AS u ("userId", "day", "kind", "visitors")
      SELECT "userId", day, kind, count(*) FROM account_visitors WHERE inserted GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
      ON CONFLICT ("userId", "day", "kind") DO UPDATE SET "visitors" = u."visitors" + excluded."visitors"
      RETURNING 1
    )`);
}
