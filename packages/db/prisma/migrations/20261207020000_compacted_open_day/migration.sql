-- The open day compacted so far: its rows hold the clicks before "through" (null: a closed day, compacted whole).
ALTER TABLE "AccountCompactedDay" ADD COLUMN "through" TIMESTAMP(3);
