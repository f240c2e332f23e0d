import { clickEventToStreamFields, ingestClickEvents, type ClickEvent } from "@hop/clicks";
import type { Database } from "@hop/db";
import { redisKeys, type Redis } from "@hop/redis";

/**
 * Records a click that the lookup did not already record: onto the clicks
 * stream, or, when Redis cannot take it, straight into PostgreSQL through
 * the same ingestion the worker runs (so it is counted once, not dropped).
 * Returns where it went.
 */
export async function recordClick(deps: { db: Database; redis: Redis }, event: ClickEvent, redisAvailable: boolean): Promise<"stream" | "database"> {
  if (redisAvailable) {
    try {
      await deps.redis.xadd(redisKeys.clickStream(), "*", clickEventToStreamFields(event));
      return "stream";
    } catch {
      // Redis went away between the lookup and now: fall through to PostgreSQL.
    }
  }
  await ingestClickEvents(deps.db, [event]);
  return "database";
}
