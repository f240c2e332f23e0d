/**
 * GET /api/exports/<id>/download, answered by this server before Next: a
 * ready export's file, to its owner only (another account's id is a 404, like
 * a missing one), from any instance, streamed out of PostgreSQL a chunk
 * (about 1 MiB) at a time with the socket's backpressure. The file is kept
 * gzip-compressed: a client that accepts gzip gets it as it is with
 * `Content-Encoding: gzip` (browsers save the CSV or JSON), any other gets it
 * decompressed on the way. Here rather than in a Next route handler because
 * Next drops a handler's Content-Encoding (its framing headers are its own).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import { createCaller, readExportFile } from "@hop/api";
import { TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import type { WebServices } from "../src/server/services";
import { createWebTRPCContext } from "../src/server/trpc-context";
import { clientAddress } from "./client-address";
import { requestOrigin } from "./request-origin";

const downloadPath = /^\/api\/exports\/([^/]{1,64})\/download$/;
const contentTypes: Record<string, string> = { csv: "text/csv; charset=utf-8", json: "application/json; charset=utf-8" };

/** The export id of a download path, or null for any other path. */
export function exportDownloadId(path: string): string | null {
  return downloadPath.exec(path)?.[1] ?? null;
}

function sendError(response: ServerResponse, status: number, code: string, message: string): void {
  const body = JSON.stringify({ error: { code, message } });
  response.writeHead(status, { "content-type": "application/json", "cache-control": "no-store", "content-length": Buffer.byteLength(body) });
  response.end(body);
}

export async function answerExportDownload(request: IncomingMessage, response: ServerResponse, services: WebServices, id: string): Promise<void> {
  if (request.method !== "GET" && request.method !== "HEAD") return sendError(response, 405, "METHOD_NOT_SUPPORTED", "Use GET");
  const origin = requestOrigin(request, services.env.TRUST_PROXY) ?? `http://${request.headers.host ?? "localhost"}`;
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) if (typeof value === "string") headers.set(name, value);
  // Our own origin, never the client's header of that name (route handlers get it from the server the same way).
  headers.set("x-hop-origin", origin);
  const caller = createCaller(
    createWebTRPCContext(services, new Request(new URL(request.url ?? "/", origin), { headers }), {
      clientIp: clientAddress(request, services.env.TRUST_PROXY),
    }),
  );
  let found: Awaited<ReturnType<typeof caller.exports.get>>;
  try {
    found = await caller.exports.get({ id: decodeURIComponent(id) });
  } catch (error) {
    if (!(error instanceof TRPCError)) throw error;
    return sendError(response, getHTTPStatusCodeFromError(error), error.code, error.message);
  }
  // The run whose chunks are the file, read with the status in one row, so a file is never served half-written.
  const file = await services.db.export.findFirst({ where: { id: found.id, status: "READY" }, select: { runId: true, bytes: true } });
  if (!file?.runId) {
    return sendError(response, 409, "CONFLICT", found.status === "FAILED" ? "This export failed; ask for it again" : "This export is not ready yet");
  }
  const gzipAccepted = /\bgzip\b/.test(request.headers["accept-encoding"] ?? "");
  response.writeHead(200, {
    "content-type": contentTypes[found.format] ?? "application/octet-stream",
    "content-disposition": `attachment; filename="${found.fileName}"`,
    "cache-control": "private, no-store",
    "x-content-type-options": "nosniff",
    vary: "accept-encoding",
    ...(gzipAccepted && { "content-encoding": "gzip", "content-length": String(file.bytes) }),
  });
  if (request.method === "HEAD") return void response.end();
  const chunks = Readable.from(readExportFile(services.db, { id: found.id, runId: file.runId, bytes: Number(file.bytes) }));
  try {
    await (gzipAccepted ? pipeline(chunks, response) : pipeline(chunks, createGunzip(), response));
  } catch (error) {
    // The client went away, or the file expired mid-download: the connection is cut, never ended as if whole.
    services.log.warn({ err: error instanceof Error ? error.message : String(error), exportId: found.id }, "export download ended early");
    response.destroy();
  }
}
