import { createCaller } from "@hop/api";
import { exportFileName, linksCsv, linksJson } from "@hop/api/export-files";
import { linkExportFormats, type LinkExportFormat } from "@hop/validators";
import { pagedDownload } from "~/lib/paged-download";
import { getWebServices } from "~/server/services";
import { createWebTRPCContext } from "~/server/trpc-context";

/**
 * GET /api/export/links?format=csv|json: every live link of the signed-in
 * user with its tags and total clicks, streamed a page of 1,000 links at a
 * time through the API's own procedure (exports.links). Any size is served
 * here; the account page's Exports also prepares the same file as a job.
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
  const caller = createCaller(createWebTRPCContext(services, request));
  const file = format === "json" ? linksJson : linksCsv;
  return pagedDownload({
    fetchPage: async (cursor) => {
      const page = await caller.exports.links({ cursor, limit: 1_000 });
      return { items: page.links, nextCursor: page.nextCursor };
    },
    format: file,
    fileName: exportFileName("links", file.extension, new Date()),
    onError: (error) => services.log.error({ err: error instanceof Error ? error.message : String(error) }, "links export failed part-way"),
  });
}

export const dynamic = "force-dynamic";
