import { redisKeys, type Redis } from "@hop/redis";
import { instanceRecordSchema, type InstanceRecord } from "@hop/validators";

/** Every process whose heartbeat has not expired, web first, then by start time. */
export async function listLiveInstances(redis: Redis): Promise<InstanceRecord[]> {
  const keys: string[] = [];
  let cursor: string | number = 0;
  do {
    const [next, batch]: [string | number, string[]] = await redis.scan(cursor, { match: redisKeys.instancePattern(), count: 200 });
    keys.push(...batch);
    cursor = next;
  } while (String(cursor) !== "0");
  if (keys.length === 0) return [];
  const values = await redis.mget<unknown[]>(...keys);
  return values
    .flatMap((value) => {
      const parsed = instanceRecordSchema.safeParse(value);
      // A record that vanished between SCAN and MGET, or from another version, is skipped.
      return parsed.success ? [parsed.data] : [];
    })
    .sort((a, b) => (a.kind === b.kind ? a.startedAt.localeCompare(b.startedAt) : a.kind === "web" ? -1 : 1));
}
