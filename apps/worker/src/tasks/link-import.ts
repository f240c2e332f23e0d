import { runImport } from "@hop/api";
import type { Database } from "@hop/db";
import type { JobPayload } from "@hop/jobs";
import type { Logger } from "@hop/logger";
import type { Redis } from "@hop/redis";

/**
 * An import's job: the rows go through the api package's links.create (the
 * procedure the web app serves), in the importer's context. A shutdown stops
 * it after the batch in progress and throws, so graphile-worker runs it again
 * (here or on another worker), which skips the rows already recorded.
 */
export async function runLinkImport(
  payload: JobPayload<"links.import">,
  deps: { db: Database; redis: Redis; instanceId: string; log: Logger; signal: AbortSignal },
): Promise<void> {
  const started = Date.now();
  const outcome = await runImport({ db: deps.db, redis: deps.redis, instanceId: deps.instanceId, signal: deps.signal }, payload.importId);
  deps.log.info({ task: "links.import", importId: payload.importId, ...outcome, ms: Date.now() - started, instanceId: deps.instanceId }, "import run ended");
}
