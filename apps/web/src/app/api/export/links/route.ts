import { createCaller, createTRPCContext } from "@hop/api";
import { linkExportFormats, type LinkExportFormat } from "@hop/validators";
import { TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { toCsv } from "~/lib/csv";
import { getWebServices } from "~/server/services";

const header = ["id", "slug", "short_url", "url", "title", "tags", "total_clicks", "created_at_utc", "expires_at_utc"];

type Page = Awaited<ReturnType<ReturnType<typeof createCaller>["exports"]["links"]>>;
type ExportedLink = Page["links"][number];

function csvRows(links: readonly ExportedLink[]): string {
  const csv = toCsv(
    header,
    links.map((link) => [
      link.id,
      link.slug,
      link.shortUrl,
      link.url,
      link.title,
      // "|" as in Shlink's export: a tag never contains it in Hop's files, and commas stay readable.
      link.tags.join("|"),
      link.totalClicks,
      link.createdAt.toISOString(),
      link.expiresAt?.toISOString() ?? null,
    ]),
  );
  return csv.slice(csv.indexOf("\r\n") + 2);
}

/**
 * GET /api/export/links?format=csv|json: every live link of the signed-in
 * user with its tags and total clicks. Streamed a page of 1,000 links at a
 * time through the API's own procedure (exports.links): the next page is read
 * only when the client has taken the last one (`pull`), so memory holds one
 * page whatever the account's size. The first page is read before the answer
 * starts, so a signed-out or bad request gets its 4xx as JSON, not a broken file.
 */
export async function GET(request: Request): Promise<Response> {
  const services = getWebServices();
  const format = new URL(request.url).searchParams.get("format") ?? "csv";
  if (!linkExportFormats.includes(format as LinkExportFormat)) {
    return Response.json(
      { error: { code: "BAD_REQUEST", message: `format must be one of: ${linkExportFormats.join(", ")}` } },
      { status: 400, headers: { "cache-control": "no-store" } },
    );
  }
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
  const fetchPage = (cursor: string | null) => caller.exports.links({ cursor, limit: 1_000 });

  let page: Page | null;
  try {
    page = await fetchPage(null);
  } catch (error) {
    if (!(error instanceof TRPCError)) throw error;
    return Response.json(
      { error: { code: error.code, message: error.message } },
      { status: getHTTPStatusCodeFromError(error), headers: { "cache-control": "no-store" } },
    );
  }

  const encoder = new TextEncoder();
  let first = true;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!page) {
        if (format === "json") controller.enqueue(encoder.encode(first ? "[]\n" : "\n]\n"));
        controller.close();
        return;
      }
      const chunk =
        format === "json"
          ? page.links.map((link, index) => `${first && index === 0 ? "[\n" : ",\n"}${JSON.stringify(link)}`).join("")
          : `${first ? `${header.join(",")}\r\n` : ""}${csvRows(page.links)}`;
      if (chunk) {
        controller.enqueue(encoder.encode(chunk));
        first = false;
      }
      try {
        page = page.nextCursor ? await fetchPage(page.nextCursor) : null;
      } catch (error) {
        services.log.error({ err: error instanceof Error ? error.message : String(error) }, "links export failed part-way");
        controller.error(error);
      }
    },
  });
  return new Response(body, {
    headers: {
      "content-type": format === "json" ? "application/json; charset=utf-8" : "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="hop-links-${new Date().toISOString().slice(0, 10)}.${format}"`,
      "cache-control": "private, no-store",
    },
  });
}

export const dynamic = "force-dynamic";
