import type { Database, Prisma } from "@hop/db";
import { jobQueueNames, parseJobPayload, type JobName, type JobPayloadInput } from "./contracts";

export interface EnqueueOptions {
  /** Jobs with the same key collapse into one (the latest payload wins). */
  jobKey?: string;
  runAt?: Date;
  maxAttempts?: number;
  priority?: number;
}

/** A Prisma client or the transaction client of `db.$transaction(async (tx) => ...)`. */
export type Queryable = Database | Prisma.TransactionClient;

/**
 * Adds a job to the durable queue through the given client, so that inside
 * `db.$transaction(async (tx) => ...)` the job exists if and only if the rows
 * written beside it do. A job whose contract names a queue (`jobQueueNames`)
 * goes into it. Returns the job's id.
 */
export async function enqueueJob<Name extends JobName>(
  db: Queryable,
  name: Name,
  payload: JobPayloadInput<Name>,
  options: EnqueueOptions = {},
): Promise<string> {
  const parsed = parseJobPayload(name, payload);
  const rows = await db.$queryRaw<{ id: bigint }[]>`
    SELECT id FROM graphile_worker.add_job(
      identifier => ${name}::text,
      payload => ${JSON.stringify(parsed)}::json,
      run_at => ${options.runAt ?? null}::timestamptz,
      max_attempts => ${options.maxAttempts ?? null}::int,
      queue_name => ${jobQueueNames[name] ?? null}::text,
      job_key => ${options.jobKey ?? null}::text,
      priority => ${options.priority ?? null}::int
    )`;
  const id = rows[0]?.id;
  if (id === undefined) throw new Error(`the job queue did not accept ${name}`);
  return id.toString();
}

/**
 * Adds many jobs of one kind in one statement (graphile-worker's `add_jobs`),
 * through the given client like enqueueJob: a batch of links enqueues its
 * metadata fetches in its own transaction with one round trip, not one each.
 */
export async function enqueueJobs<Name extends JobName>(
  db: Queryable,
  name: Name,
  jobs: ReadonlyArray<{ payload: JobPayloadInput<Name>; jobKey?: string }>,
  options: Pick<EnqueueOptions, "priority"> = {},
): Promise<void> {
  if (jobs.length === 0) return;
  const specs = jobs.map((job) => ({
    identifier: name,
    payload: parseJobPayload(name, job.payload),
    queue_name: jobQueueNames[name] ?? null,
    job_key: job.jobKey ?? null,
    priority: options.priority ?? null,
  }));
  // The specs travel as one JSON array and become job_spec rows in PostgreSQL (no per-job parameters).
  await db.$executeRaw`
    SELECT graphile_worker.add_jobs(ARRAY(
      SELECT ROW(spec->>'identifier', spec->'payload', spec->>'queue_name', NULL, NULL, spec->>'job_key', (spec->>'priority')::smallint, NULL)::graphile_worker.job_spec
      FROM json_array_elements(${JSON.stringify(specs)}::json) AS spec
    ))`;
}
