-- AccountTripleDay now also holds the links under each pair of filter values (dimensionC = 'link'): no compacted day
-- has those rows yet, so forget them all until the next analytics.compact rewrites them (readers use the raw clicks
-- of a day meanwhile).
DELETE FROM "AccountCompactedDay";
