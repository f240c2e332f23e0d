import type { Prisma } from "@hop/db";
import { enqueueJob } from "@hop/jobs";
import type { createExportInput, exportIdInput } from "@hop/validators";
import { TRPCError } from "@trpc/server";
import type { z } from "zod";
import { exportFileName } from "../../exports/files";
import type { ExportOptions } from "../../exports/run";
import type { ProtectedContext } from "../../trpc";
import { analyticsClicksHandler } from "../analytics/clicks.handler";

/** Unfinished exports one account may have at once: the export's rate limit. */
export const maxUnfinishedExports = 3;
/** A request not served by then is dropped (the worker sets the real expiry when the file is ready). */
const queuedExpiryMs = 7 * 86_400_000;

const exportSummary = {
  id: true,
  kind: true,
  format: true,
  status: true,
  fileName: true,
  rows: true,
  bytes: true,
  error: true,
  createdAt: true,
  startedAt: true,
  finishedAt: true,
  expiresAt: true,
} as const;

type ExportRow = Prisma.ExportGetPayload<{ select: typeof exportSummary }>;

/** What the user sees of an export; the download link only once the file is whole. */
function exportView(row: ExportRow) {
  return { ...row, bytes: Number(row.bytes), downloadUrl: row.status === "READY" ? `/api/exports/${row.id}/download` : null };
}

/**
 * Queues an export: its row and its job in one transaction. A clicks export's
 * query is checked first (period, filters, links of the user's), so a bad one
 * is refused here and nothing is written.
 */
export async function createExportHandler({ ctx, input }: { ctx: ProtectedContext; input: z.output<typeof createExportInput> }) {
  const userId = ctx.session.userId;
  const options: ExportOptions = { shortLinkBaseUrl: ctx.shortLinkBaseUrl, ...(input.kind === "clicks" && { query: input.query }) };
  if (input.kind === "clicks") await analyticsClicksHandler({ ctx, input: { ...input.query, cursor: null, limit: 1 } });
  const extension = input.format;
  return ctx.db.$transaction(async (tx) => {
    // Serialises requests of one account, so two tabs cannot both pass the check below.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`export:${userId}`}))`;
    const unfinished = await tx.export.count({ where: { userId, status: { in: ["QUEUED", "RUNNING"] } } });
    if (unfinished >= maxUnfinishedExports) {
      throw new TRPCError({ code: "TOO_MANY_REQUESTS", message: `At most ${maxUnfinishedExports} exports are prepared at once; wait for one to finish` });
    }
    const created = await tx.export.create({
      data: {
        userId,
        kind: input.kind,
        format: input.format,
        options: options as Prisma.InputJsonObject,
        fileName: exportFileName(input.kind, extension, new Date()),
        expiresAt: new Date(Date.now() + queuedExpiryMs),
      },
      select: exportSummary,
    });
    await enqueueJob(tx, "exports.run", { exportId: created.id }, { jobKey: `exports.run:${created.id}`, maxAttempts: 5 });
    return exportView(created);
  });
}

export async function listExportsHandler({ ctx }: { ctx: ProtectedContext }) {
  const rows = await ctx.db.export.findMany({ where: { userId: ctx.session.userId }, orderBy: { createdAt: "desc" }, take: 20, select: exportSummary });
  return rows.map(exportView);
}

export async function getExportHandler({ ctx, input }: { ctx: ProtectedContext; input: z.output<typeof exportIdInput> }) {
  const found = await ctx.db.export.findFirst({ where: { id: input.id, userId: ctx.session.userId }, select: exportSummary });
  if (!found) throw new TRPCError({ code: "NOT_FOUND", message: "No such export" });
  return exportView(found);
}
