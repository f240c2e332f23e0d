-- Compacted analytics tiers (issue 13, filters at 10 M clicks): filled off the ingestion path by the worker's
-- analytics.compact job from raw clicks, a closed UTC day at a time. Nothing to backfill here: the job's first
-- run compacts every closed day still within the click retention.

-- CreateTable
CREATE TABLE "AccountValueDay" (
    "userId" TEXT NOT NULL,
    "dimension" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "kind" TEXT NOT NULL,
    "clicks" INTEGER NOT NULL,
    "quarterHours" INTEGER[],
    "quarterClicks" INTEGER[],
    "visitors" INTEGER NOT NULL,

    CONSTRAINT "AccountValueDay_pkey" PRIMARY KEY ("userId","dimension","value","day","kind")
);

-- CreateTable
CREATE TABLE "AccountPairDay" (
    "userId" TEXT NOT NULL,
    "dimensionA" TEXT NOT NULL,
    "valueA" TEXT NOT NULL,
    "dimensionB" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "isBot" BOOLEAN NOT NULL,
    "valueB" TEXT NOT NULL,
    "clicks" INTEGER NOT NULL,

    CONSTRAINT "AccountPairDay_pkey" PRIMARY KEY ("userId","dimensionA","valueA","dimensionB","day","isBot","valueB")
);

-- CreateTable
CREATE TABLE "AccountCompactedDay" (
    "userId" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "clicks" INTEGER NOT NULL,
    "compactedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AccountCompactedDay_pkey" PRIMARY KEY ("userId","day")
);

-- CreateIndex
CREATE INDEX "AccountValueDay_userId_day_idx" ON "AccountValueDay"("userId", "day");

-- AddForeignKey
ALTER TABLE "AccountValueDay" ADD CONSTRAINT "AccountValueDay_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AccountPairDay" ADD CONSTRAINT "AccountPairDay_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AccountCompactedDay" ADD CONSTRAINT "AccountCompactedDay_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
