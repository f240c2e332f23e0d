-- AccountPairDay: one row per account, day, value of A and dimension B, B's values and clicks as arrays, instead of
-- a row per pair and bot flag (about 3 rows per click at 10 M clicks over 1,000 links). The tier is derived: its old
-- rows are dropped and every compacted day forgotten, so readers use the finer rows until the worker's
-- analytics.compact job has recompacted the retained days into the new layout.

-- DropTable
DROP TABLE "AccountPairDay";

-- CreateTable
CREATE TABLE "AccountPairDay" (
    "userId" TEXT NOT NULL,
    "dimensionA" TEXT NOT NULL,
    "valueA" TEXT NOT NULL,
    "dimensionB" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "valuesB" TEXT[],
    "clicks" INTEGER[],
    "humanClicks" INTEGER[],

    CONSTRAINT "AccountPairDay_pkey" PRIMARY KEY ("userId","dimensionA","valueA","dimensionB","day")
);

-- AddForeignKey
ALTER TABLE "AccountPairDay" ADD CONSTRAINT "AccountPairDay_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The compacted days' pair rows are gone: forget them, so nothing reads a day as compacted until it is again.
DELETE FROM "AccountCompactedDay";
