import type { Database } from "@hop/db";
import type { JobPayload } from "@hop/jobs";
import type { Logger } from "@hop/logger";
import { readPageMetadata, type PageMetadata } from "../link-metadata/parse";
import { PageFetchError, withFetchedPage, type SafeFetchOptions } from "../link-metadata/safe-fetch";

/** Attempts before a failing fetch ends as FAILED on the link (graphile-worker backs off ~3 s, 7 s, 20 s, 55 s between them). */
export const metadataAttempts = 5;

const htmlTypes = new Set(["text/html", "application/xhtml+xml"]);
const noMetadata: PageMetadata = { title: null, description: null, imageUrl: null };

export interface LinkMetadataDeps {
  db: Database;
  fetch: SafeFetchOptions;
  log: Pick<Logger, "warn">;
}

/**
 * Fetches a link's target page (safely: see withFetchedPage) and stores its
 * title, description and image. A page that is not HTML has none of them.
 * A failure that another try could fix is thrown, so the queue retries it
 * with back-off (the error is shown on the link meanwhile); a refused or
 * missing page, or the last attempt, ends as metadataStatus FAILED with the
 * reason in metadataError. Results are stored only if the link still points
 * at the URL that was fetched (a newer job handles a changed target).
 */
export async function fetchLinkMetadata(
  payload: JobPayload<"link.fetchMetadata">,
  deps: LinkMetadataDeps,
  job: { attempt: number; maxAttempts: number },
): Promise<void> {
  const link = await deps.db.link.findUnique({ where: { id: payload.linkId }, select: { id: true, url: true, deletedAt: true } });
  if (!link || link.deletedAt) return;
  // The target changed after this job was enqueued (and locked): the job the change enqueued fetches the new one.
  if (payload.url !== undefined && payload.url !== link.url) return;
  const sameTarget = { id: link.id, url: link.url };
  try {
    const metadata = await withFetchedPage(link.url, deps.fetch, async (page) =>
      page.mediaType && htmlTypes.has(page.mediaType) ? readPageMetadata(page.file, page.url, page.charset) : noMetadata,
    );
    // The page's title goes beside the owner's, never over it: a new target gets the new page's title.
    const { title: pageTitle, ...rest } = metadata;
    await deps.db.link.updateMany({ where: sameTarget, data: { ...rest, pageTitle, metadataStatus: "FETCHED", metadataError: null } });
  } catch (error) {
    // The owner sees a plain reason; the detail (addresses, DNS answers) goes to the log only.
    const message = error instanceof PageFetchError ? error.reason : "The page could not be read";
    deps.log.warn({ linkId: link.id, attempt: job.attempt, err: error instanceof Error ? error.message : String(error) }, "link metadata fetch failed");
    const last = job.attempt >= Math.min(job.maxAttempts, metadataAttempts);
    if ((error instanceof PageFetchError && error.permanent) || last) {
      await deps.db.link.updateMany({ where: sameTarget, data: { metadataStatus: "FAILED", metadataError: message } });
      return;
    }
    await deps.db.link.updateMany({
      where: sameTarget,
      data: { metadataStatus: "PENDING", metadataError: `${message} (attempt ${job.attempt} of ${metadataAttempts}; retrying)` },
    });
    throw error;
  }
}
