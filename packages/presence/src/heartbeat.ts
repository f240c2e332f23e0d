import { redisKeys, type Redis } from "@hop/redis";
import type { InstanceRecord } from "@hop/validators";

export interface HeartbeatOptions {
  redis: Redis;
  /** The process's description; lastHeartbeatAt is filled in on every beat. */
  describe: () => Omit<InstanceRecord, "lastHeartbeatAt">;
  intervalMs?: number;
  onError?: (error: unknown) => void;
}

export const heartbeatIntervalMs = 2_000;
/** A record outlives its last heartbeat by this much: a process missing three beats is gone. */
export const heartbeatTtlMs = 3 * heartbeatIntervalMs;

/** The index outlives the last process that beats into it by this much, then goes too. */
const indexTtlMs = 60 * 60 * 1000;

export interface Heartbeat {
  /** Deletes the record at once, so a process that stops cleanly leaves the list immediately. */
  stop(): Promise<void>;
}

/**
 * Writes the process's record to Redis now and every interval, with a TTL,
 * so that the records in Redis are exactly the processes that are alive, and
 * names it in the index of live processes (`redisKeys.instances()`). A
 * failed beat (Redis away) is reported and retried on the next tick.
 */
export async function startHeartbeat(options: HeartbeatOptions): Promise<Heartbeat> {
  const intervalMs = options.intervalMs ?? heartbeatIntervalMs;
  const ttlMs = 3 * intervalMs;
  const { kind, id } = options.describe();
  const key = redisKeys.instance(kind, id);
  const index = redisKeys.instances();
  // The record expires by itself; the index names it (scored by that expiry) so the list never scans the keyspace.
  const beat = () =>
    options.redis
      .pipeline()
      .set(key, { ...options.describe(), lastHeartbeatAt: new Date().toISOString() } satisfies InstanceRecord, { px: ttlMs })
      .zadd(index, { score: Date.now() + ttlMs, member: key })
      .pexpire(index, indexTtlMs)
      .exec();
  await beat().catch((error: unknown) => options.onError?.(error));
  const timer = setInterval(() => void beat().catch((error: unknown) => options.onError?.(error)), intervalMs);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await options.redis
        .pipeline()
        .del(key)
        .zrem(index, key)
        .exec()
        .catch((error: unknown) => options.onError?.(error));
    },
  };
}
