import { readFile } from "node:fs/promises";
import { type FetchJson, failImport, ImportSourceError, runImport } from "@hop/api";
import type { Database } from "@hop/db";
import type { JobPayload } from "@hop/jobs";
import type { Logger } from "@hop/logger";
import type { Redis } from "@hop/redis";
import { PageFetchError, withFetchedPage, type SafeFetchOptions } from "../link-metadata/safe-fetch";

/** Most bytes of one API page (100 links) an import reads. */
const maxApiPageBytes = 5 * 1024 * 1024;

/**
 * The API import's HTTP: the metadata fetcher's guard (public addresses only;
 * METADATA_FETCH_ALLOW_LOOPBACK lets tests reach loopback), no redirects (the
 * key goes to the server the user named and nowhere else), JSON only.
 */
export function guardedFetchJson(fetch: SafeFetchOptions): FetchJson {
  return (url, headers) =>
    withFetchedPage(url, { ...fetch, maxBytes: maxApiPageBytes, maxRedirects: 0, headers: { accept: "application/json", ...headers } }, async (page) => {
      if (page.truncated) throw new Error(`The server's answer is larger than ${maxApiPageBytes} bytes`);
      return JSON.parse(await readFile(page.file, "utf8")) as unknown;
    }).catch((error: unknown) => {
      // What the user is shown: the guard's reason (never the worker's network details), with "page" read as "server".
      if (error instanceof PageFetchError) throw new Error(error.reason.replace(/\bpage\b/g, "server"));
      if (error instanceof SyntaxError) throw new Error("The server's answer is not JSON");
      throw error;
    });
}

/**
 * An import's job: the rows go through the api package's links.create (the
 * procedure the web app serves), in the importer's context. A shutdown stops
 * it after the batch in progress and throws, so graphile-worker runs it again
 * (here or on another worker), which skips the rows already recorded.
 */
export async function runLinkImport(
  payload: JobPayload<"links.import">,
  deps: { db: Database; redis: Redis; instanceId: string; log: Logger; signal: AbortSignal; metadataFetch: SafeFetchOptions },
  attempt: { attempts: number; maxAttempts: number },
): Promise<void> {
  const started = Date.now();
  try {
    const outcome = await runImport(
      { db: deps.db, redis: deps.redis, instanceId: deps.instanceId, signal: deps.signal, fetchJson: guardedFetchJson(deps.metadataFetch) },
      payload.importId,
    );
    deps.log.info({ task: "links.import", importId: payload.importId, ...outcome, ms: Date.now() - started, instanceId: deps.instanceId }, "import run ended");
  } catch (error) {
    // The other server could not be read: the import says why; retrying the job would not help.
    if (error instanceof ImportSourceError) {
      deps.log.warn({ task: "links.import", importId: payload.importId, err: error.message }, "import source unreadable");
      return;
    }
    // A shutdown hands the job back (it does not use up an attempt's meaning); any other error on the last attempt ends the import.
    if (attempt.attempts >= attempt.maxAttempts && !deps.signal.aborted) {
      const reason = `The import stopped after ${attempt.attempts} attempts: ${error instanceof Error ? error.message : String(error)}`;
      await failImport(deps, payload.importId, reason);
      deps.log.error({ task: "links.import", importId: payload.importId, err: reason }, "import failed: its attempts are used up");
    }
    throw error;
  }
}
