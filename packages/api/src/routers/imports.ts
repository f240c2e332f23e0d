import { enqueueJob } from "@hop/jobs";
import { importIdInput, maxImportRows, previewImportInput, startApiImportInput, startImportInput } from "@hop/validators";
import type { Prisma } from "@hop/db";
import { TRPCError, type TRPCRouterRecord } from "@trpc/server";
import { stringify } from "csv-stringify/sync";
import { apiRowsMapping } from "../imports/api-source";
import { readCsv, readCsvHead } from "../imports/csv";
import { previewCsv } from "../imports/preview";
import type { ImportOptions } from "../imports/run";
import { type ProtectedContext, protectedProcedure } from "../trpc";

const importSummary = {
  id: true,
  source: true,
  fileName: true,
  status: true,
  totalRows: true,
  createdRows: true,
  failedRows: true,
  skippedRows: true,
  error: true,
  createdAt: true,
  startedAt: true,
  finishedAt: true,
} as const;

/** Keeps the import and queues its job, in one transaction. One unfinished import per account at a time: that is the import's rate limit. */
function queueImport(ctx: ProtectedContext, data: { source: string; fileName: string; content: string | null; options: ImportOptions; totalRows: number }) {
  const userId = ctx.session.userId;
  return ctx.db.$transaction(async (tx) => {
    // Serialises starts of one account, so two tabs cannot both pass the check below.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`import:${userId}`}))`;
    const running = await tx.import.findFirst({ where: { userId, status: { in: ["QUEUED", "RUNNING"] } }, select: { id: true } });
    if (running) throw new TRPCError({ code: "CONFLICT", message: "An import is already running; wait for it or cancel it first" });
    const created = await tx.import.create({ data: { userId, ...data, options: data.options as Prisma.InputJsonObject }, select: importSummary });
    await enqueueJob(tx, "links.import", { importId: created.id }, { jobKey: `links.import:${created.id}`, maxAttempts: 25 });
    return created;
  });
}

/**
 * Imports of links from other shorteners' CSV exports. The browser's
 * procedures only read, check and queue: the worker creates the rows (see
 * imports/run.ts). Session only (no API-key scope): an import is an action of
 * the web app's mapping step.
 */
export const importsRouter = {
  /** The mapping step: nothing is written. */
  preview: protectedProcedure.input(previewImportInput).mutation(({ ctx, input }) => previewCsv(ctx.db, input)),

  /** Keeps the file in PostgreSQL and queues its job, in one transaction. One unfinished import per account at a time: that is the import's rate limit. */
  start: protectedProcedure.input(startImportInput).mutation(async ({ ctx, input }) => {
    const head = await readCsvHead(input.content, 0);
    if (head.total === 0) throw new TRPCError({ code: "BAD_REQUEST", message: "The file has no rows below its header" });
    if (head.total > maxImportRows) throw new TRPCError({ code: "BAD_REQUEST", message: `Import at most ${maxImportRows.toLocaleString("en")} rows at once` });
    if (!head.headers.includes(input.mapping.url)) throw new TRPCError({ code: "BAD_REQUEST", message: `The file has no column "${input.mapping.url}"` });
    const options: ImportOptions = {
      format: (await previewCsv(ctx.db, { content: input.content, mapping: input.mapping, onSlugTaken: input.onSlugTaken })).format,
      mapping: input.mapping,
      onSlugTaken: input.onSlugTaken,
      shortLinkBaseUrl: ctx.shortLinkBaseUrl,
      requestHost: ctx.headers.get("host"),
    };
    return queueImport(ctx, { source: `csv:${options.format}`, fileName: input.fileName, content: input.content, options, totalRows: head.total });
  }),

  /** An import straight from another server's API with a key of an account there: the worker reads its links (guarded fetch), then imports them. */
  startFromApi: protectedProcedure.input(startApiImportInput).mutation(({ ctx, input }) => {
    const options: ImportOptions = {
      format: `${input.source}-api`,
      mapping: apiRowsMapping,
      onSlugTaken: input.onSlugTaken,
      shortLinkBaseUrl: ctx.shortLinkBaseUrl,
      requestHost: ctx.headers.get("host"),
      api: { source: input.source, baseUrl: input.baseUrl, apiKey: input.apiKey },
    };
    return queueImport(ctx, { source: `api:${input.source}`, fileName: new URL(input.baseUrl).host, content: null, options, totalRows: 0 });
  }),

  get: protectedProcedure.input(importIdInput).query(async ({ ctx, input }) => {
    const found = await ctx.db.import.findFirst({ where: { id: input.id, userId: ctx.session.userId }, select: importSummary });
    if (!found) throw new TRPCError({ code: "NOT_FOUND", message: "No such import" });
    return found;
  }),

  list: protectedProcedure.query(({ ctx }) =>
    ctx.db.import.findMany({ where: { userId: ctx.session.userId }, orderBy: { createdAt: "desc" }, take: 20, select: importSummary }),
  ),

  /** Stops an import after the batch in progress; the links created so far stay. */
  cancel: protectedProcedure.input(importIdInput).mutation(async ({ ctx, input }) => {
    const { count } = await ctx.db.import.updateMany({
      where: { id: input.id, userId: ctx.session.userId, status: { in: ["QUEUED", "RUNNING"] } },
      data: { status: "CANCELLED", finishedAt: new Date() },
    });
    if (count === 0) throw new TRPCError({ code: "NOT_FOUND", message: "No running import of yours with that id" });
    return { id: input.id, status: "CANCELLED" as const };
  }),

  /** The rows that created no link, as the file had them, with the reason in a last column. */
  failedRowsCsv: protectedProcedure.input(importIdInput).query(async ({ ctx, input }) => {
    const found = await ctx.db.import.findFirst({ where: { id: input.id, userId: ctx.session.userId }, select: { content: true, fileName: true } });
    if (!found) throw new TRPCError({ code: "NOT_FOUND", message: "No such import" });
    const refused = new Map(
      (await ctx.db.importRow.findMany({ where: { importId: input.id, linkId: null }, select: { rowIndex: true, error: true } })).map((row) => [
        row.rowIndex,
        row.error ?? "",
      ]),
    );
    const lines: string[][] = [];
    let headers: string[] = [];
    for await (const item of readCsv(found.content ?? "")) {
      if ("headers" in item) {
        headers = item.headers;
        lines.push([...headers, "reason"]);
      } else if (refused.has(item.index)) {
        lines.push([...headers.map((header) => item.record[header] ?? ""), refused.get(item.index) ?? ""]);
      }
    }
    return { fileName: `${(found.fileName ?? "import").replace(/\.csv$/i, "")}-failed.csv`, csv: stringify(lines) };
  }),
} satisfies TRPCRouterRecord;
