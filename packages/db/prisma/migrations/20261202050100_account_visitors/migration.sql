-- Unique visitors per account and UTC day (issue 13), exact without COUNT(DISTINCT) over a period's raw clicks:
-- one row per visitor hash and day ("all" clicks, and "human": bots excluded) with the first and last click
-- (so a period's partial edge days count the visitors whose clicks reach into it), and the per-day counts.

-- CreateTable
CREATE TABLE "AccountDailyVisitor" (
    "userId" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "kind" TEXT NOT NULL,
    "visitorHash" TEXT NOT NULL,
    "firstAt" TIMESTAMP(3) NOT NULL,
    "lastAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AccountDailyVisitor_pkey" PRIMARY KEY ("userId","day","kind","visitorHash")
);

-- CreateTable
CREATE TABLE "AccountDailyUniques" (
    "userId" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "kind" TEXT NOT NULL,
    "visitors" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "AccountDailyUniques_pkey" PRIMARY KEY ("userId","day","kind")
);

-- AddForeignKey
ALTER TABLE "AccountDailyVisitor" ADD CONSTRAINT "AccountDailyVisitor_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AccountDailyUniques" ADD CONSTRAINT "AccountDailyUniques_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Backfill from the raw clicks already stored.
INSERT INTO "AccountDailyVisitor" ("userId", "day", "kind", "visitorHash", "firstAt", "lastAt")
SELECT l."userId", c."occurredAt"::date, k.kind, c."visitorHash", min(c."occurredAt"), max(c."occurredAt")
FROM "Click" c JOIN "Link" l ON l.id = c."linkId" CROSS JOIN LATERAL (VALUES ('all'), ('human')) AS k(kind)
WHERE k.kind = 'all' OR NOT c."isBot"
GROUP BY 1, 2, 3, 4;

INSERT INTO "AccountDailyUniques" ("userId", "day", "kind", "visitors")
SELECT "userId", "day", "kind", count(*) FROM "AccountDailyVisitor" GROUP BY 1, 2, 3;
