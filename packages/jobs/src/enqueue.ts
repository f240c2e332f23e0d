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
