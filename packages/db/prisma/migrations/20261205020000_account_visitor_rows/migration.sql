-- One AccountDailyVisitor row per account, UTC day and visitor (was one per kind, "all" and "human"): the first and
-- last click of any kind, and of human clicks (null for a visitor with bot clicks only). Ingestion wrote and updated
-- two rows per human visitor; this halves the table's writes (docs/benchmarks.md, ingestion round four).
-- "humanSince" holds the transaction that first gave the row a human click, so ingestion's upsert can tell a visitor
-- who became human in this statement (counted once in AccountDailyUniques' "human" row) under concurrent workers.
-- AccountDailyUniques is unchanged.

-- DropTable
DROP TABLE "AccountDailyVisitor";

-- CreateTable
CREATE TABLE "AccountDailyVisitor" (
    "userId" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "visitorHash" TEXT NOT NULL,
    "firstAt" TIMESTAMP(3) NOT NULL,
    "lastAt" TIMESTAMP(3) NOT NULL,
    "humanFirstAt" TIMESTAMP(3),
    "humanLastAt" TIMESTAMP(3),
    "humanSince" BIGINT,

    CONSTRAINT "AccountDailyVisitor_pkey" PRIMARY KEY ("userId","day","visitorHash")
);

-- AddForeignKey
ALTER TABLE "AccountDailyVisitor" ADD CONSTRAINT "AccountDailyVisitor_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Backfill from the raw clicks already stored.
INSERT INTO "AccountDailyVisitor" ("userId", "day", "visitorHash", "firstAt", "lastAt", "humanFirstAt", "humanLastAt")
SELECT l."userId", c."occurredAt"::date, c."visitorHash", min(c."occurredAt"), max(c."occurredAt"),
  min(c."occurredAt") FILTER (WHERE NOT c."isBot"), max(c."occurredAt") FILTER (WHERE NOT c."isBot")
FROM "Click" c JOIN "Link" l ON l.id = c."linkId"
GROUP BY 1, 2, 3;
