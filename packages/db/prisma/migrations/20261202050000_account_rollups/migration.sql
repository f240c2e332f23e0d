-- Per-account rollups (issue 13): the account-wide dashboard reads rows bounded by time buckets x distinct values,
-- never by clicks. Filled by ingestion in the same statement as ClickRollup; backfilled here from ClickRollup.

-- CreateTable
CREATE TABLE "AccountClickBucket" (
    "userId" TEXT NOT NULL,
    "bucket" TIMESTAMP(3) NOT NULL,
    "isBot" BOOLEAN NOT NULL,
    "clicks" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "AccountClickBucket_pkey" PRIMARY KEY ("userId","bucket","isBot")
);

-- CreateTable
CREATE TABLE "AccountDimensionBucket" (
    "userId" TEXT NOT NULL,
    "dimension" TEXT NOT NULL,
    "bucket" TIMESTAMP(3) NOT NULL,
    "isBot" BOOLEAN NOT NULL,
    "value" TEXT NOT NULL,
    "clicks" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "AccountDimensionBucket_pkey" PRIMARY KEY ("userId","dimension","bucket","isBot","value")
);

-- CreateTable
CREATE TABLE "AccountDimensionDay" (
    "userId" TEXT NOT NULL,
    "dimension" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "isBot" BOOLEAN NOT NULL,
    "value" TEXT NOT NULL,
    "clicks" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "AccountDimensionDay_pkey" PRIMARY KEY ("userId","dimension","day","isBot","value")
);

-- AddForeignKey
ALTER TABLE "AccountClickBucket" ADD CONSTRAINT "AccountClickBucket_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AccountDimensionBucket" ADD CONSTRAINT "AccountDimensionBucket_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AccountDimensionDay" ADD CONSTRAINT "AccountDimensionDay_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Backfill from the per-link rollups already written.
INSERT INTO "AccountClickBucket" ("userId", "bucket", "isBot", "clicks")
SELECT "userId", "bucket", "isBot", sum("clicks") FROM "ClickRollup" GROUP BY 1, 2, 3;

INSERT INTO "AccountDimensionBucket" ("userId", "dimension", "bucket", "isBot", "value", "clicks")
SELECT r."userId", d.dimension, r."bucket", r."isBot", d.value, sum(r."clicks")
FROM "ClickRollup" r CROSS JOIN LATERAL (VALUES ('country', r."country"), ('region', r."region"), ('city', r."city"), ('device', r."device"),
  ('browser', r."browser"), ('os', r."os"), ('referrer', r."referrerHost"), ('utmSource', r."utmSource"), ('utmMedium', r."utmMedium"),
  ('utmCampaign', r."utmCampaign"), ('trigger', r."trigger"), ('link', r."linkId")) AS d(dimension, value)
GROUP BY 1, 2, 3, 4, 5;

INSERT INTO "AccountDimensionDay" ("userId", "dimension", "day", "isBot", "value", "clicks")
SELECT "userId", "dimension", "bucket"::date, "isBot", "value", sum("clicks") FROM "AccountDimensionBucket" GROUP BY 1, 2, 3, 4, 5;
