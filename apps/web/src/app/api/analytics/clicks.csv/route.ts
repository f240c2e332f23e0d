import { createCaller } from "@hop/api";
import { clicksCsv, exportFileName } from "@hop/api/export-files";
import { apiPeriod, parseAnalyticsView } from "~/lib/analytics-view";
import { pagedDownload } from "~/lib/paged-download";
import { getWebServices } from "~/server/services";
import { createWebTRPCContext } from "~/server/trpc-context";

/**
 * GET /api/analytics/clicks.csv?<the analytics page's query>: the raw clicks
 * of the period under the page's filters, newest first, as CSV, streamed a
 * page of 1,000 at a time through the same procedure the API offers
 * (analytics.clicks, the signed-in user's own links only). The page sends
 * periods of more clicks than `directClicksExportLimit` to an export job.
 */
export async function GET(request: Request): Promise<Response> {
  const services = getWebServices();
  const caller = createCaller(createWebTRPCContext(services, request));
  const view = parseAnalyticsView(new URL(request.url).searchParams);
  const timezone = view.timezone ?? "UTC";
  const input = { period: apiPeriod(view, timezone), timezone, filters: view.filters, includeBots: view.includeBots, limit: 1_000 };
  return pagedDownload({
    fetchPage: async (cursor) => {
      const page = await caller.analytics.clicks({ ...input, cursor });
      return { items: page.clicks, nextCursor: page.nextCursor };
    },
    format: clicksCsv,
    fileName: exportFileName("clicks", "csv", new Date()),
    onError: (error) => services.log.error({ err: error instanceof Error ? error.message : String(error) }, "raw clicks export failed part-way"),
  });
}

export const dynamic = "force-dynamic";
