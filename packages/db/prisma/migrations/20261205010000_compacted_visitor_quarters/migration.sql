-- AccountCompactedDay: the day's visitors by the quarter hour of their first and last click, so a viewer's partial edge
-- day counts its visitors from one row instead of one per visitor. Days compacted before keep empty arrays (readers
-- count the visitor rows there) until a late click has the worker's analytics.compact job compact them again.

-- AlterTable
ALTER TABLE "AccountCompactedDay" ADD COLUMN     "allFirstQuarters" INTEGER[] DEFAULT ARRAY[]::INTEGER[],
ADD COLUMN     "allLastQuarters" INTEGER[] DEFAULT ARRAY[]::INTEGER[],
ADD COLUMN     "humanFirstQuarters" INTEGER[] DEFAULT ARRAY[]::INTEGER[],
ADD COLUMN     "humanLastQuarters" INTEGER[] DEFAULT ARRAY[]::INTEGER[];
