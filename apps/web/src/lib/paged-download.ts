import type { PagedFileFormat } from "@hop/api/export-files";
import { TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";

export interface PagedDownload<Item> {
  /** One page after `cursor` (null: the first) and the cursor of the next, null on the last. */
  fetchPage(cursor: string | null): Promise<{ items: readonly Item[]; nextCursor: string | null }>;
  format: PagedFileFormat<Item>;
  fileName: string;
  /** Told when a page fails after the answer started (the client sees a broken download). */
  onError(error: unknown): void;
}

/**
 * A file streamed a page at a time: the next page is read only when the client
 * has taken the last one (`pull`), so memory holds one page whatever the size.
 * The first page is read before the answer starts, so a signed-out or bad
 * request gets its 4xx as JSON, not a broken file.
 */
export async function pagedDownload<Item>({ fetchPage, format, fileName, onError }: PagedDownload<Item>): Promise<Response> {
  let page: Awaited<ReturnType<typeof fetchPage>> | null;
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
  let empty = true;
  let started = false;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!page) {
        const end = format.end(empty);
        if (end) controller.enqueue(encoder.encode(end));
        controller.close();
        return;
      }
      const chunk = `${started ? "" : format.start}${format.page(page.items, empty)}`;
      started = true;
      if (page.items.length > 0) empty = false;
      if (chunk) controller.enqueue(encoder.encode(chunk));
      try {
        page = page.nextCursor ? await fetchPage(page.nextCursor) : null;
      } catch (error) {
        onError(error);
        controller.error(error);
      }
    },
  });
  return new Response(body, {
    headers: {
      "content-type": format.contentType,
      "content-disposition": `attachment; filename="${fileName}"`,
      "cache-control": "private, no-store",
    },
  });
}
