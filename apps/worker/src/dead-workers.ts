import { listLiveInstances, heartbeatTtlMs } from "@hop/presence";
import type { Redis } from "@hop/redis";
import type { WorkerUtils } from "graphile-worker";
import type { Pool } from "pg";

/** The reason a job shows when the worker running its last attempt died: no attempt is left to run it again. */
export const diedOnLastAttemptMessage = "Its worker stopped during the last attempt; no attempt is left";

export interface ReleasedJobs {
  /** Job-engine worker ids that no live process claims, whose jobs were handed back. */
  deadWorkerIds: string[];
  /** Jobs a newer job with the same key had replaced while they ran: nothing is left for them to do; deleted. */
  supersededJobIds: string[];
  /** Jobs that were on their last attempt: failed, with diedOnLastAttemptMessage. */
  failedJobIds: string[];
}

/**
 * Hands back the jobs of workers that died holding them. graphile-worker
 * alone would wait for its lock timeout (4 hours); a worker's heartbeat
 * expires in seconds, so a job locked by a worker id that no live process
 * claims is unlocked and runs again elsewhere (jobs are idempotent:
 * at-least-once in transport, exactly-once in effect).
 *
 * A job that cannot run again is settled instead of left unlocked with no
 * attempts and no reason. graphile-worker takes the attempts of a running job
 * whose key a newer job took over (add_job sets key = null, attempts =
 * max_attempts and updated_at, after the lock): it is deleted, the newer job
 * does its work. A job that died on its last attempt is marked failed with a
 * reason, so the operator sees why.
 *
 * Every worker runs this; unlocking is idempotent, so no leader is needed.
 * Without Redis nobody can tell who is alive, and nothing is unlocked.
 */
export async function releaseJobsOfDeadWorkers(deps: { pool: Pool; redis: Redis; workerUtils: WorkerUtils }): Promise<ReleasedJobs> {
  const released: ReleasedJobs = { deadWorkerIds: [], supersededJobIds: [], failedJobIds: [] };
  const locked = await deps.pool.query<{ locked_by: string }>(
    `SELECT DISTINCT locked_by FROM graphile_worker._private_jobs
      WHERE locked_by IS NOT NULL AND locked_at < now() - make_interval(secs => $1)`,
    [heartbeatTtlMs / 1000],
  );
  if (locked.rows.length === 0) return released;
  const alive = new Set((await listLiveInstances(deps.redis)).flatMap((instance) => instance.jobWorkerIds));
  released.deadWorkerIds = locked.rows.map((row) => row.locked_by).filter((workerId) => !alive.has(workerId));
  if (released.deadWorkerIds.length === 0) return released;
  const spent = await deps.pool.query<{ id: string; superseded: boolean }>(
    `SELECT id::text, (key IS NULL AND updated_at > locked_at) AS superseded FROM graphile_worker._private_jobs
      WHERE locked_by = ANY($1::text[]) AND attempts >= max_attempts`,
    [released.deadWorkerIds],
  );
  await deps.workerUtils.forceUnlockWorkers(released.deadWorkerIds);
  released.supersededJobIds = spent.rows.filter((row) => row.superseded).map((row) => row.id);
  released.failedJobIds = spent.rows.filter((row) => !row.superseded).map((row) => row.id);
  // Both only touch unlocked jobs, and neither kind can be locked again meanwhile (no attempts left).
  if (released.supersededJobIds.length > 0) await deps.workerUtils.completeJobs(released.supersededJobIds);
  if (released.failedJobIds.length > 0) await deps.workerUtils.permanentlyFailJobs(released.failedJobIds, diedOnLastAttemptMessage);
  return released;
}
