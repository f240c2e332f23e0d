import { setTimeout as sleep } from "node:timers/promises";
import { redisKeys, type Redis } from "@hop/redis";
import type { ProbeEvent } from "@hop/validators";
import type { JobPayload } from "@hop/jobs";

/** Records who ran the probe and when; holds the job for `holdMs` first if asked. */
export async function runProbe(payload: JobPayload<"system.probe">, deps: { redis: Redis; instanceId: string; signal: AbortSignal }): Promise<void> {
  const key = redisKeys.probe(payload.probeId);
  const record = (event: ProbeEvent["event"]) =>
    deps.redis.rpush(key, { event, instanceId: deps.instanceId, at: new Date().toISOString() } satisfies ProbeEvent);
  await record("started");
  if (payload.holdMs > 0) await sleep(payload.holdMs, undefined, { signal: deps.signal });
  await record("finished");
}
