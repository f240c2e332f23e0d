import { createHash } from "node:crypto";
import { type ClickEvent, ingestClickEvents, maxReferrerLength, validReferrer } from "@hop/clicks";
import type { Database } from "@hop/db";
import { z } from "zod";
import type { FetchJson } from "./api-source";

// Shlink REST v3: GET /rest/v3/short-urls/{shortCode}/visits?page=N&itemsPerPage=M, header X-Api-Key.
const shlinkVisitsPage = z.object({
  visits: z.object({
    data: z.array(
      z.object({
        referer: z.string().nullish(),
        date: z.string(),
        userAgent: z.string().nullish(),
        visitLocation: z.object({ countryCode: z.string().nullish() }).nullish(),
      }),
    ),
    pagination: z.object({ currentPage: z.number(), pagesCount: z.number() }),
  }),
});

const visitsPageSize = 500;
/** Pages read per link at most (500,000 visits), so a runaway server cannot keep the worker busy forever. */
const maxVisitPages = 1_000;

/** An imported visit's event id: the same visit read again (a retried run) has the same id, so ingestion counts it once. */
function visitEventId(importId: string, shortCode: string, position: number, date: string): string {
  return `import:${createHash("sha256").update(`${importId}\n${shortCode}\n${position}\n${date}`).digest("base64url").slice(0, 40)}`;
}

/**
 * Shlink gives no visitor identity (no address): an imported visit's visitor
 * is its user agent on its day, hashed with the import's id, so unique
 * visitors are counted per distinct browser per day, never from raw data.
 */
function importedVisitorHash(importId: string, userAgent: string | null, occurredAt: Date): string {
  return createHash("sha256")
    .update(`${importId}\n${userAgent ?? ""}\n${occurredAt.toISOString().slice(0, 10)}`)
    .digest("hex");
}

/**
 * The visits of the links an import created from a Shlink server, as clicks:
 * each page of a short code's visits goes through the click ingestion (the
 * redirect's and the worker's: Click rows, rollups, totals), idempotent by
 * event id, so a run retried after a crash counts every visit once. Returns
 * the number of clicks counted now.
 */
export async function importShlinkVisits(
  deps: { db: Database; fetchJson: FetchJson },
  importId: string,
  api: { baseUrl: string; apiKey: string },
  links: ReadonlyArray<{ shortCode: string; linkId: string }>,
): Promise<number> {
  const base = api.baseUrl.replace(/\/+$/, "");
  let counted = 0;
  for (const { shortCode, linkId } of links) {
    let position = 0;
    for (let page = 1; page <= maxVisitPages; page++) {
      const url = `${base}/rest/v3/short-urls/${encodeURIComponent(shortCode)}/visits?page=${page}&itemsPerPage=${visitsPageSize}`;
      const answer = shlinkVisitsPage.parse(await deps.fetchJson(url, { "x-api-key": api.apiKey }));
      const events: ClickEvent[] = answer.visits.data.flatMap((visit) => {
        const occurredAt = new Date(visit.date);
        const eventId = visitEventId(importId, shortCode, position++, visit.date);
        if (Number.isNaN(occurredAt.getTime())) return [];
        const country = visit.visitLocation?.countryCode?.toUpperCase() ?? null;
        const userAgent = visit.userAgent ? visit.userAgent.slice(0, 1024) : null;
        return [
          {
            eventId,
            linkId,
            occurredAt,
            referrer: validReferrer(visit.referer?.slice(0, maxReferrerLength)),
            userAgent,
            country: country && /^[A-Z]{2}$/.test(country) ? country : null,
            visitorHash: importedVisitorHash(importId, userAgent, occurredAt),
          },
        ];
      });
      if (events.length > 0) counted += (await ingestClickEvents(deps.db, events)).inserted;
      if (page >= answer.visits.pagination.pagesCount || answer.visits.data.length === 0) break;
    }
  }
  return counted;
}
