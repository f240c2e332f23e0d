import { createCaller, createTRPCContext } from "@hop/api";
import { TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { apiPeriod, parseAnalyticsView } from "~/lib/analytics-view";
import { toCsv } from "~/lib/csv";
import { getWebServices } from "~/server/services";

const pageSize = 1_000;
const header = [
  "occurred_at_utc",
  "link_id",
  "slug",
  "country",
  "region",
  "city",
  "device",
  "browser",
  "os",
  "referrer",
  "utm_source",
  "utm_medium",
  "utm_campaign",
  "trigger",
  "is_bot",
  "user_agent",
];

/**
 * GET /api/analytics/clicks.csv?<the analytics page's query>: the raw clicks
 * of the period under the page's filters, newest first, as CSV. Streamed a
 * page of 1,000 clicks at a time through the same procedure the API offers
 * (analytics.clicks, the signed-in user's own links only), so a large export
 * never sits in memory whole. The first page is asked before the answer
 * starts, so a signed-out or bad request gets its 4xx as JSON, not a broken
 * file.
 */
export async function GET(request: Request): Promise<Response> {
  const services = getWebServices();
  const caller = createCaller(
    createTRPCContext({
      db: services.db,
      redis: services.redis.redis,
      instanceId: services.instance.id,
      request,
      responseHeaders: new Headers(),
      sessionConfig: services.sessionConfig,
      clientIp: request.headers.get("x-hop-client-ip") ?? "unknown",
      operatorEmails: services.env.OPERATOR_EMAILS,
    }),
  );
  const view = parseAnalyticsView(new URL(request.url).searchParams);
  const timezone = view.timezone ?? "UTC";
  const input = { period: apiPeriod(view, timezone), timezone, filters: view.filters, includeBots: view.includeBots, limit: pageSize };
  const fetchPage = (cursor: string | null) => caller.analytics.clicks({ ...input, cursor });

  let first: Awaited<ReturnType<typeof fetchPage>>;
  try {
    first = await fetchPage(null);
  } catch (error) {
    if (!(error instanceof TRPCError)) throw error;
    return Response.json(
      { error: { code: error.code, message: error.message } },
      { status: getHTTPStatusCodeFromError(error), headers: { "cache-control": "no-store" } },
    );
  }

  const encoder = new TextEncoder();
  let page: typeof first | null = first;
  let wroteHeader = false;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!page) {
        controller.close();
        return;
      }
      const rows = page.clicks.map((click) => [
        new Date(click.occurredAt).toISOString(),
        click.linkId,
        click.slug,
        click.country,
        click.region,
        click.city,
        click.device,
        click.browser,
        click.os,
        click.referrer,
        click.utmSource,
        click.utmMedium,
        click.utmCampaign,
        click.trigger,
        click.isBot ? "true" : "false",
        click.userAgent,
      ]);
      const csv = toCsv(header, rows);
      // toCsv writes the header first: only the very first chunk keeps it.
      controller.enqueue(encoder.encode(wroteHeader ? csv.slice(csv.indexOf("\r\n") + 2) : csv));
      wroteHeader = true;
      try {
        page = page.nextCursor ? await fetchPage(page.nextCursor) : null;
      } catch (error) {
        services.log.error({ err: error instanceof Error ? error.message : String(error) }, "raw clicks export failed part-way");
        controller.error(error);
      }
    },
  });
  return new Response(body, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="hop-clicks-${new Date().toISOString().slice(0, 10)}.csv"`,
      "cache-control": "private, no-store",
    },
  });
}

export const dynamic = "force-dynamic";
