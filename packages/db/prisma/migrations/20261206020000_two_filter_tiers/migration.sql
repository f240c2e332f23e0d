-- Two filters from compacted days: per account and closed UTC day, the clicks, quarter hours and visitors of each pair
-- of values of two low-cardinality dimensions (AccountPairValueDay), and a third dimension's values among them
-- (AccountTripleDay). Every compacted day is forgotten, so that none is read as compacted before the worker's
-- analytics.compact job has written its new rows (until then filtered views read the raw clicks, as for any day not
-- compacted yet).

-- CreateTable
CREATE TABLE "AccountPairValueDay" (
    "userId" TEXT NOT NULL,
    "dimensionA" TEXT NOT NULL,
    "valueA" TEXT NOT NULL,
    "dimensionB" TEXT NOT NULL,
    "valueB" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "kind" TEXT NOT NULL,
    "clicks" INTEGER NOT NULL,
    "quarterHours" INTEGER[],
    "quarterClicks" INTEGER[],
    "visitors" INTEGER NOT NULL,

    CONSTRAINT "AccountPairValueDay_pkey" PRIMARY KEY ("userId","dimensionA","valueA","dimensionB","valueB","day","kind")
);

-- CreateTable
CREATE TABLE "AccountTripleDay" (
    "userId" TEXT NOT NULL,
    "dimensionA" TEXT NOT NULL,
    "valueA" TEXT NOT NULL,
    "dimensionB" TEXT NOT NULL,
    "valueB" TEXT NOT NULL,
    "dimensionC" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "valuesC" TEXT[],
    "clicks" INTEGER[],
    "humanClicks" INTEGER[],

    CONSTRAINT "AccountTripleDay_pkey" PRIMARY KEY ("userId","dimensionA","valueA","dimensionB","valueB","dimensionC","day")
);

-- CreateIndex
CREATE INDEX "AccountPairValueDay_userId_day_idx" ON "AccountPairValueDay"("userId", "day");

-- CreateIndex
CREATE INDEX "AccountTripleDay_userId_day_idx" ON "AccountTripleDay"("userId", "day");

-- AddForeignKey
ALTER TABLE "AccountPairValueDay" ADD CONSTRAINT "AccountPairValueDay_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AccountTripleDay" ADD CONSTRAINT "AccountTripleDay_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- No compacted day has the new rows yet: forget them all until the next compaction.
DELETE FROM "AccountCompactedDay";
