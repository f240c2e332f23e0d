import { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { createCaller, createTRPCContext, readExportFile } from "@hop/api";
import { TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { getWebServices } from "~/server/services";

const contentTypes: Record<string, string> = { csv: "text/csv; charset=utf-8", json: "application/json; charset=utf-8" };

/**
 * GET /api/exports/<id>/download: a ready export's file, to its owner only
 * (another account's id is a 404, like a missing one), from any instance:
 * streamed out of PostgreSQL a chunk (about 1 MiB) at a time. The file is
 * kept gzip-compressed: a client that accepts gzip gets it as it is (browsers
 * save the CSV or JSON), any other gets it decompressed on the way.
 */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const services = getWebServices();
  const { id } = await params;
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
  let found: Awaited<ReturnType<typeof caller.exports.get>>;
  try {
    found = await caller.exports.get({ id });
  } catch (error) {
    if (!(error instanceof TRPCError)) throw error;
    return Response.json(
      { error: { code: error.code, message: error.message } },
      { status: getHTTPStatusCodeFromError(error), headers: { "cache-control": "no-store" } },
    );
  }
  // The run whose chunks are the file, read with the status in one row so a file is never served half-written.
  const file = await services.db.export.findFirst({ where: { id: found.id, status: "READY" }, select: { runId: true, bytes: true } });
  if (!file?.runId) {
    return Response.json(
      { error: { code: "CONFLICT", message: found.status === "FAILED" ? "This export failed; ask for it again" : "This export is not ready yet" } },
      { status: 409, headers: { "cache-control": "no-store" } },
    );
  }
  const chunks = Readable.from(readExportFile(services.db, { id: found.id, runId: file.runId, bytes: Number(file.bytes) }));
  chunks.on("error", (error) => services.log.error({ err: error.message, exportId: found.id }, "export download failed part-way"));
  const gzipAccepted = /\bgzip\b/.test(request.headers.get("accept-encoding") ?? "");
  const body = gzipAccepted ? chunks : chunks.pipe(createGunzip());
  const headers = new Headers({
    "content-type": contentTypes[found.format] ?? "application/octet-stream",
    "content-disposition": `attachment; filename="${found.fileName}"`,
    "cache-control": "private, no-store",
    vary: "accept-encoding",
  });
  if (gzipAccepted) {
    headers.set("content-encoding", "gzip");
    headers.set("content-length", String(file.bytes));
  }
  return new Response(Readable.toWeb(body) as ReadableStream<Uint8Array>, { headers });
}

export const dynamic = "force-dynamic";
