import { ExportRefusedError, failExport, runExport } from "@hop/api";
import type { Database } from "@hop/db";
import type { JobPayload } from "@hop/jobs";
import type { Logger } from "@hop/logger";
import type { Redis } from "@hop/redis";
import { runExportInChild } from "./export-child";

/**
 * An export's job. A refusal (the account is being deleted, a filtered link
 * is gone) fails the export with the reason and ends the job. Anything else
 * (PostgreSQL or Redis failing, a shutdown) throws, so graphile-worker runs it
 * again, here or on another worker; its last attempt fails the export, so
 * nobody waits for a file that will never come.
 *
 * With `exportProcessEntry` (the worker's main sets it) the run happens in a
 * child process with capped heaps, so the exporting process stays small
 * (issue 17: under 200 MB for 1,000,000 clicks); without it (tests calling
 * the task directly) in this process.
 */
export async function runExportJob(
  payload: JobPayload<"exports.run">,
  deps: { db: Database; redis: Redis; instanceId: string; log: Logger; signal: AbortSignal; exportRetentionHours: number; exportProcessEntry?: string },
  job: { attempt: number; maxAttempts: number },
): Promise<void> {
  const started = Date.now();
  try {
    const outcome = deps.exportProcessEntry
      ? await runExportInChild(deps.exportProcessEntry, payload.exportId, { signal: deps.signal, instanceId: deps.instanceId })
      : await runExport({ ...deps, retentionHours: deps.exportRetentionHours }, payload.exportId);
    deps.log.info({ task: "exports.run", exportId: payload.exportId, ...outcome, ms: Date.now() - started, instanceId: deps.instanceId }, "export run ended");
  } catch (error) {
    if (error instanceof ExportRefusedError) {
      deps.log.warn({ task: "exports.run", exportId: payload.exportId, err: error.message }, "export refused");
      return;
    }
    if (job.attempt >= job.maxAttempts && !deps.signal.aborted) {
      await failExport({ db: deps.db, retentionHours: deps.exportRetentionHours }, payload.exportId, "The export could not be written; ask for it again").catch(
        () => undefined,
      );
    }
    throw error;
  }
}
