import { listLiveInstances, heartbeatTtlMs } from "@hop/presence";
import type { Redis } from "@hop/redis";
import type { WorkerUtils } from "graphile-worker";
import type { Pool } from "pg";

/**
 * Hands back the jobs of workers that died holding them. graphile-worker
 * alone would wait for its lock timeout (4 hours); a worker's heartbeat
 * expires in seconds, so a job locked by a worker id that no live process
 * claims is unlocked and runs again elsewhere (jobs are idempotent:
 * at-least-once in transport, exactly-once in effect).
 *
 * Every worker runs this; unlocking is idempotent, so no leader is needed.
 * Without Redis nobody can tell who is alive, and nothing is unlocked.
 */
export async function releaseJobsOfDeadWorkers(deps: { pool: Pool; redis: Redis; workerUtils: WorkerUtils }): Promise<string[]> {
  const locked = await deps.pool.query<{ locked_by: string }>(
    `SELECT DISTINCT locked_by FROM graphile_worker._private_jobs
      WHERE locked_by IS NOT NULL AND locked_at < now() - make_interval(secs => $1)`,
    [heartbeatTtlMs / 1000],
  );
  if (locked.rows.length === 0) return [];
  const alive = new Set((await listLiveInstances(deps.redis)).flatMap((instance) => instance.jobWorkerIds));
  const dead = locked.rows.map((row) => row.locked_by).filter((workerId) => !alive.has(workerId));
  if (dead.length > 0) await deps.workerUtils.forceUnlockWorkers(dead);
  return dead;
}
