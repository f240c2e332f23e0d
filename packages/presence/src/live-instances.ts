import { redisKeys, type Redis } from "@hop/redis";
import { instanceRecordSchema, type InstanceRecord } from "@hop/validators";

/**
 * How long after its expiry an index entry is removed. Liveness itself is
 * decided by the record's own TTL (an expired record reads as nothing); the
 * index is only pruned so it cannot grow, and this margin keeps a reader
 * whose clock runs ahead of a writer's from dropping a live entry.
 */
export const livenessIndexPruneAfterMs = 60_000;

/**
 * Every process whose heartbeat has not expired, web first, then by start
 * time. Reads the index of live processes (a sorted set kept by the
 * heartbeats), never the keyspace: two round trips however many keys Redis
 * holds.
 */
export async function listLiveInstances(redis: Redis): Promise<InstanceRecord[]> {
  const index = redisKeys.instances();
  const [, keys] = await redis
    .pipeline()
    .zremrangebyscore(index, "-inf", Date.now() - livenessIndexPruneAfterMs)
    .zrange<string[]>(index, 0, -1)
    .exec<[number, string[]]>();
  if (keys.length === 0) return [];
  const values = await redis.mget<unknown[]>(...keys);
  return values
    .flatMap((value) => {
      const parsed = instanceRecordSchema.safeParse(value);
      // A record that expired (its process stopped beating) reads as null and is skipped, as is one from another version.
      return parsed.success ? [parsed.data] : [];
    })
    .sort((a, b) => (a.kind === b.kind ? a.startedAt.localeCompare(b.startedAt) : a.kind === "web" ? -1 : 1));
}
