-- AccountDimensionBucket (the account's clicks per quarter hour and dimension value) was read only for a period's
-- partial edge day that is neither compacted nor wholly inside the edge: a day compaction has not reached yet, or
-- one a late click reopened. Those edges now read the day's raw clicks, so ingestion no longer writes about 600 rows
-- per 1,000 clicks that were almost never read (more rows than clicks at 1 M clicks over 90 days). Its daily sums
-- stay in AccountDimensionDay; nothing is lost.
DROP TABLE "AccountDimensionBucket";
