import { randomUUID } from "node:crypto";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import type { Database } from "@hop/db";
import type { Redis } from "@hop/redis";
import { analyticsQueryInput } from "@hop/validators";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { createUserJobContext, type TRPCContext } from "../context";
import { appRouter } from "../root";
import { createCallerFactory } from "../trpc";
import { clicksCsv, linksCsv, linksJson, type PagedFileFormat } from "./files";

/** What an export keeps beside its request (Export.options): the analytics query of a clicks export, and the short-link origin. */
export const exportOptionsSchema = z.object({
  shortLinkBaseUrl: z.string(),
  query: analyticsQueryInput.optional(),
});
export type ExportOptions = z.infer<typeof exportOptionsSchema>;

export interface ExportRunDeps {
  db: Database;
  redis: Redis;
  instanceId: string;
  /** A shutdown: the run stops after the page in hand and throws, so the job runs again elsewhere. */
  signal?: AbortSignal;
  /** How long the file is kept once ready (or failed), in hours. */
  retentionHours: number;
  /** Compressed bytes per stored chunk (1 MiB unless a test wants many chunks). */
  chunkBytes?: number;
  /** Rows per page read (1,000, the procedures' most). */
  pageSize?: number;
}

/** A refusal the user must be told about (account being deleted, a filter on a link no longer theirs): the export fails, no retry. */
export class ExportRefusedError extends Error {
  override readonly name = "ExportRefusedError";
}

const createCaller = createCallerFactory(appRouter);

/** The owner's context, as if they had paged through the procedures themselves. */
function ownerContext(deps: ExportRunDeps, userId: string, exportId: string, options: ExportOptions): TRPCContext {
  return createUserJobContext({ ...deps, userId, sessionId: `export:${exportId}`, userAgent: "hop-export", shortLinkBaseUrl: options.shortLinkBaseUrl });
}

type Pages = AsyncGenerator<readonly unknown[]>;

/** The export's rows a page at a time, read through the same procedures the API serves (keyset pages: one index range each). */
function pagesOf(deps: ExportRunDeps, kind: string, userId: string, exportId: string, options: ExportOptions): Pages {
  const caller = createCaller(ownerContext(deps, userId, exportId, options));
  const limit = deps.pageSize ?? 1_000;
  if (kind === "links") {
    return (async function* () {
      let cursor: string | null = null;
      do {
        const page = await caller.exports.links({ cursor, limit });
        yield page.links;
        cursor = page.nextCursor;
      } while (cursor);
    })();
  }
  const query = options.query ?? analyticsQueryInput.parse({});
  return (async function* () {
    let cursor: string | null = null;
    do {
      const page = await caller.analytics.clicks({ ...query, cursor, limit });
      yield page.clicks;
      cursor = page.nextCursor;
    } while (cursor);
  })();
}

function formatOf(kind: string, format: string): PagedFileFormat<never> {
  const chosen = kind === "links" ? (format === "json" ? linksJson : linksCsv) : clicksCsv;
  // The pages come from the procedure that matches the format (pagesOf); the item type is theirs.
  return chosen as PagedFileFormat<never>;
}

/** The file's text, a page at a time, counting rows as they go by. */
async function* fileText(
  pages: Pages,
  format: PagedFileFormat<never>,
  counter: { rows: number; onPage(): Promise<void> },
  signal?: AbortSignal,
): AsyncGenerator<string> {
  let empty = true;
  if (format.start) yield format.start;
  for await (const items of pages) {
    if (signal?.aborted) throw new Error("export interrupted by shutdown; it runs again from the start");
    const text = format.page(items as never[], empty);
    if (items.length > 0) empty = false;
    counter.rows += items.length;
    if (text) yield text;
    await counter.onPage();
  }
  const end = format.end(empty);
  if (end) yield end;
}

const progressEveryMs = 1_000;

/**
 * Writes an export's file: its rows read a page at a time, gzip-compressed as
 * they stream, stored as ExportChunk rows of about 1 MiB under this run's id.
 * Memory holds one page and one chunk, whatever the export's size. Each run
 * (a retry after a worker was killed) starts over under a new id, and the
 * chunk writes and the final "ready" check that id, so a superseded run can
 * write nothing that is read and a file is marked READY only whole, in the
 * transaction that stores its last chunk.
 */
export async function runExport(deps: ExportRunDeps, exportId: string): Promise<{ status: string; rows: number; bytes: number }> {
  const found = await deps.db.export.findUnique({ where: { id: exportId }, select: { userId: true, kind: true, format: true, status: true, options: true } });
  if (!found || (found.status !== "QUEUED" && found.status !== "RUNNING")) return { status: found?.status ?? "MISSING", rows: 0, bytes: 0 };
  const options = exportOptionsSchema.parse(found.options);
  const runId = randomUUID();
  const claimed = await deps.db.export.updateMany({
    where: { id: exportId, status: { in: ["QUEUED", "RUNNING"] } },
    data: { status: "RUNNING", runId, rows: 0, bytes: 0, startedAt: new Date(), progressAt: new Date() },
  });
  if (claimed.count === 0) return { status: "GONE", rows: 0, bytes: 0 };
  // What an earlier run (killed) left is never read; it goes now rather than at expiry.
  await deps.db.exportChunk.deleteMany({ where: { exportId, runId: { not: runId } } });

  const chunkBytes = deps.chunkBytes ?? 1024 * 1024;
  let seq = 0;
  let bytes = 0;
  let lastProgress = Date.now();
  // Progress (rows so far) is recorded about every second, after a page: the page shows it, and the clean-up sees the run alive.
  const counter = {
    rows: 0,
    onPage: async () => {
      if (Date.now() - lastProgress < progressEveryMs) return;
      lastProgress = Date.now();
      await deps.db.export.updateMany({ where: { id: exportId, runId }, data: { rows: counter.rows, bytes, progressAt: new Date() } });
    },
  };
  const storeChunk = async (data: Buffer, tx: Pick<Database, "$executeRaw"> = deps.db) => {
    // Only while this run is the export's run: a superseded run's chunk is refused, not mixed in.
    const stored = await tx.$executeRaw`
      INSERT INTO "ExportChunk" ("exportId", "runId", seq, data)
      SELECT ${exportId}, ${runId}, ${seq}, ${data} WHERE EXISTS (SELECT 1 FROM "Export" WHERE id = ${exportId} AND "runId" = ${runId} AND status = 'RUNNING')`;
    if (stored !== 1) throw new ExportSupersededError();
    seq += 1;
    bytes += data.length;
  };

  try {
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    // pipeline: an error on any side (a page refused, a chunk write failing) ends all of it and is thrown here.
    await pipeline(
      fileText(pagesOf(deps, found.kind, found.userId, exportId, options), formatOf(found.kind, found.format), counter, deps.signal),
      createGzip({ level: 6 }),
      async (compressed: AsyncIterable<Buffer>) => {
        for await (const piece of compressed) {
          pending.push(piece);
          pendingBytes += piece.length;
          if (pendingBytes < chunkBytes) continue;
          await storeChunk(Buffer.concat(pending, pendingBytes));
          pending = [];
          pendingBytes = 0;
        }
      },
    );
    const last = Buffer.concat(pending, pendingBytes);
    await deps.db.$transaction(async (tx) => {
      if (last.length > 0) await storeChunk(last, tx);
      const ready = await tx.export.updateMany({
        where: { id: exportId, runId, status: "RUNNING" },
        data: { status: "READY", rows: counter.rows, bytes, finishedAt: new Date(), progressAt: new Date(), expiresAt: retentionEnd(deps) },
      });
      if (ready.count !== 1) throw new ExportSupersededError();
    });
    return { status: "READY", rows: counter.rows, bytes };
  } catch (error) {
    if (error instanceof ExportSupersededError) return { status: "SUPERSEDED", rows: counter.rows, bytes };
    const refusal = refusalOf(error);
    if (refusal === null) throw error;
    await failExport(deps, exportId, refusal, runId);
    throw new ExportRefusedError(refusal);
  }
}

/** Another run took the export over (or it was deleted): this one stops and leaves it alone. */
class ExportSupersededError extends Error {
  override readonly name = "ExportSupersededError";
}

function retentionEnd(deps: Pick<ExportRunDeps, "retentionHours">): Date {
  return new Date(Date.now() + deps.retentionHours * 3_600_000);
}

/** A refusal by the procedures (not a database or Redis failure, which is retried). */
function refusalOf(error: unknown): string | null {
  if (!(error instanceof TRPCError)) return null;
  if (error.code === "BAD_REQUEST" || error.code === "FORBIDDEN" || error.code === "NOT_FOUND" || error.code === "UNAUTHORIZED") return error.message;
  return null;
}

/** Marks the export FAILED with the reason the user is shown; its chunks go. `runId`: only while that run is the export's. */
export async function failExport(deps: Pick<ExportRunDeps, "db" | "retentionHours">, exportId: string, reason: string, runId?: string): Promise<void> {
  await deps.db.$transaction(async (tx) => {
    const failed = await tx.export.updateMany({
      where: { id: exportId, status: { in: ["QUEUED", "RUNNING"] }, ...(runId && { runId }) },
      data: { status: "FAILED", error: reason.slice(0, 500), finishedAt: new Date(), expiresAt: retentionEnd(deps) },
    });
    if (failed.count === 1) await tx.exportChunk.deleteMany({ where: { exportId } });
  });
}

/**
 * The scheduled clean-up: exports past their expiry go with their chunks
 * (cascade), and a RUNNING export silent for `stalledMinutes` (its job out of
 * attempts) is failed, so nobody waits forever.
 */
export async function cleanUpExports(deps: Pick<ExportRunDeps, "db" | "retentionHours">, stalledMinutes = 15): Promise<{ deleted: number; stalled: number }> {
  const { count: deleted } = await deps.db.export.deleteMany({ where: { expiresAt: { lt: new Date() } } });
  const stalled = await deps.db.export.findMany({
    where: { status: "RUNNING", progressAt: { lt: new Date(Date.now() - stalledMinutes * 60_000) } },
    select: { id: true, runId: true },
  });
  for (const row of stalled) await failExport(deps, row.id, "The export stopped before it was finished; ask for it again", row.runId ?? undefined);
  return { deleted, stalled: stalled.length };
}
