import type { Database } from "@hop/db";
import { type Redis, redisKeys } from "@hop/redis";
import { importApiSources, importMappingSchema, importSlugTakenSchema, maxImportRows, type CreateLinkInput } from "@hop/validators";
import { TRPCError } from "@trpc/server";
import { ZodError, z } from "zod";
import type { ImportRowContext, TRPCContext } from "../context";
import { SlugTakenError } from "../errors";
import { appRouter } from "../root";
import { createCallerFactory } from "../trpc";
import { apiLinksToCsv, type FetchJson, fetchApiLinks } from "./api-source";
import { type CsvRecord, readCsv, rowToLink } from "./csv";
import { firstIssue } from "./preview";

/** What an import keeps beside its file (Import.options): how to read the rows and as whom they are created. */
export const importOptionsSchema = z.object({
  format: z.string(),
  mapping: importMappingSchema,
  onSlugTaken: importSlugTakenSchema,
  /** The importer's short-link origin and host, so links.create refuses links to Hop itself as it did in the browser. */
  shortLinkBaseUrl: z.string(),
  requestHost: z.string().nullable(),
  /** An import from another server's API: where, and the key (erased once its links are fetched and kept as the import's CSV). */
  api: z.object({ source: z.enum(importApiSources), baseUrl: z.string(), apiKey: z.string().nullable() }).optional(),
});
export type ImportOptions = z.infer<typeof importOptionsSchema>;

/** The progress message published after each batch (Redis pub/sub): any web instance pushes it to the importer's open pages. */
export const importProgressSchema = z.object({
  importId: z.string(),
  userId: z.string(),
  status: z.enum(["QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED"]),
  totalRows: z.number(),
  createdRows: z.number(),
  failedRows: z.number(),
  skippedRows: z.number(),
  startedAt: z.string().nullable(),
  at: z.number(),
});
export type ImportProgress = z.infer<typeof importProgressSchema>;

export interface ImportRunDeps {
  db: Database;
  redis: Redis;
  instanceId: string;
  /** Rows created at once (each its own links.create and transaction). */
  concurrency?: number;
  signal?: AbortSignal;
  /** The guarded HTTP client API imports read through (the worker's: public addresses only). */
  fetchJson?: FetchJson;
}

const createCaller = createCallerFactory(appRouter);

/** The importing user's context, as if they had called links.create themselves; no cookie session, the user is fixed. */
function importContext(deps: ImportRunDeps, userId: string, options: ImportOptions, importRow: ImportRowContext): TRPCContext {
  const session = Promise.resolve({ userId, sessionId: `import:${importRow.importId}` });
  return {
    db: deps.db,
    redis: deps.redis,
    instanceId: deps.instanceId,
    headers: new Headers(options.requestHost ? { host: options.requestHost } : {}),
    clientIp: "127.0.0.1",
    userAgent: "hop-import",
    shortLinkBaseUrl: options.shortLinkBaseUrl,
    // Never read: getSession below answers without a cookie.
    sessionConfig: { secrets: {}, ttlSeconds: 0 },
    operatorEmails: [],
    appBaseUrl: options.shortLinkBaseUrl,
    accountDeletionGraceDays: 0,
    getSession: () => session,
    apiKey: null,
    setSessionCookie: () => undefined,
    clearSessionCookie: () => undefined,
    importRow,
  };
}

type RowResult = { kind: "created" } | { kind: "failed"; reason: string } | { kind: "skipped"; reason: string } | { kind: "handled" };

/** A refusal of the row itself (invalid, slug taken): recorded with its reason. Anything else (Redis or PostgreSQL down) stops the run to be retried. */
function rowRefusal(error: unknown): string | null {
  if (!(error instanceof TRPCError) || (error.code !== "BAD_REQUEST" && error.code !== "CONFLICT" && error.code !== "FORBIDDEN")) return null;
  if (error.cause instanceof ZodError) return firstIssue(error.cause);
  return error.message;
}

async function runRow(deps: ImportRunDeps, userId: string, options: ImportOptions, importId: string, rowIndex: number, record: CsvRecord): Promise<RowResult> {
  const { input, createdAt } = rowToLink(record, options.mapping);
  const create = (linkInput: CreateLinkInput) => createCaller(importContext(deps, userId, options, { importId, rowIndex, createdAt })).links.create(linkInput);
  try {
    await create(input);
    return { kind: "created" };
  } catch (error) {
    // Another run recorded this row meanwhile (its transaction won): nothing to do.
    if (await deps.db.importRow.findUnique({ where: { importId_rowIndex: { importId, rowIndex } }, select: { rowIndex: true } })) return { kind: "handled" };
    if (error instanceof TRPCError && error.cause instanceof SlugTakenError) {
      if (options.onSlugTaken === "skip") return { kind: "skipped", reason: error.message };
      try {
        await create({ ...input, slug: "" });
        return { kind: "created" };
      } catch (retryError) {
        const reason = rowRefusal(retryError);
        if (reason === null) throw retryError;
        return { kind: "failed", reason };
      }
    }
    const reason = rowRefusal(error);
    if (reason === null) throw error;
    return { kind: "failed", reason };
  }
}

async function publishProgress(deps: ImportRunDeps, progress: ImportProgress): Promise<void> {
  // Best effort: the numbers are in PostgreSQL; a page that missed a message reads them on its next one or on load.
  await deps.redis.publish(redisKeys.importProgressChannel(), JSON.stringify(progress)).catch(() => undefined);
}

const progressSelect = {
  id: true,
  userId: true,
  status: true,
  totalRows: true,
  createdRows: true,
  failedRows: true,
  skippedRows: true,
  startedAt: true,
} as const;

/**
 * Runs an import to its end: each row of the stored file through links.create
 * in the importer's context, `concurrency` at a time. Rows already recorded
 * (a previous run killed midway) are skipped, and a row's record is written in
 * its link's transaction, so a row never creates two links. Counters are
 * recomputed from the records at the start, then added to after each batch,
 * which is also when a cancel is noticed.
 */
export async function runImport(deps: ImportRunDeps, importId: string): Promise<{ status: string; created: number; failed: number; skipped: number }> {
  const found = await deps.db.import.findUnique({ where: { id: importId }, select: { userId: true, status: true, content: true, options: true } });
  if (!found || (found.status !== "QUEUED" && found.status !== "RUNNING")) return { status: found?.status ?? "MISSING", created: 0, failed: 0, skipped: 0 };
  let options = importOptionsSchema.parse(found.options);
  let content = found.content;
  if (content === null && options.api) {
    ({ content, options } = await fetchApiRows(deps, importId, options));
  }
  const handled = new Set((await deps.db.importRow.findMany({ where: { importId }, select: { rowIndex: true } })).map((row) => row.rowIndex));
  const [created, failed, skipped] = await Promise.all([
    deps.db.importRow.count({ where: { importId, linkId: { not: null } } }),
    deps.db.importRow.count({ where: { importId, linkId: null, skipped: false } }),
    deps.db.importRow.count({ where: { importId, skipped: true } }),
  ]);
  const started = await deps.db.import.update({
    where: { id: importId },
    data: { status: "RUNNING", startedAt: new Date(), createdRows: created, failedRows: failed, skippedRows: skipped },
    select: progressSelect,
  });
  const toProgress = (row: typeof started): ImportProgress => ({ ...row, importId: row.id, startedAt: row.startedAt?.toISOString() ?? null, at: Date.now() });
  await publishProgress(deps, toProgress(started));

  const concurrency = deps.concurrency ?? 16;
  let batch: { index: number; record: CsvRecord }[] = [];
  let cancelled = false;
  const flush = async () => {
    const results = await Promise.all(batch.map((row) => runRow(deps, found.userId, options, importId, row.index, row.record)));
    const refused = results.flatMap((result, position) =>
      result.kind === "failed" || result.kind === "skipped"
        ? [{ importId, rowIndex: batch[position]?.index ?? -1, error: result.reason, skipped: result.kind === "skipped" }]
        : [],
    );
    // A refused row created nothing, so writing its record again after a restart is harmless (skipDuplicates).
    if (refused.length > 0) await deps.db.importRow.createMany({ data: refused, skipDuplicates: true });
    const count = (kind: RowResult["kind"]) => results.filter((result) => result.kind === kind).length;
    const after = await deps.db.import.update({
      where: { id: importId },
      data: { createdRows: { increment: count("created") }, failedRows: { increment: count("failed") }, skippedRows: { increment: count("skipped") } },
      select: progressSelect,
    });
    batch = [];
    await publishProgress(deps, toProgress(after));
    if (after.status === "CANCELLED") cancelled = true;
  };
  for await (const item of readCsv(content ?? "")) {
    if ("headers" in item || handled.has(item.index)) continue;
    batch.push(item);
    if (batch.length >= concurrency) await flush();
    if (cancelled || deps.signal?.aborted) break;
  }
  if (!cancelled && !deps.signal?.aborted && batch.length > 0) await flush();
  if (deps.signal?.aborted && !cancelled) throw new Error("import interrupted by shutdown; it resumes where it stopped");
  if (!cancelled) await deps.db.import.updateMany({ where: { id: importId, status: "RUNNING" }, data: { status: "SUCCEEDED", finishedAt: new Date() } });
  const final = await deps.db.import.findUniqueOrThrow({ where: { id: importId }, select: progressSelect });
  await publishProgress(deps, toProgress(final));
  return { status: final.status, created: final.createdRows, failed: final.failedRows, skipped: final.skippedRows };
}

/** An API import's first step: its links read from the other server and kept as the import's CSV; the key is then erased. */
async function fetchApiRows(deps: ImportRunDeps, importId: string, options: ImportOptions): Promise<{ content: string; options: ImportOptions }> {
  const api = options.api;
  if (!api?.apiKey || !deps.fetchJson) throw new Error("this API import has no key or no fetcher to read its links with");
  let links: Awaited<ReturnType<typeof fetchApiLinks>>;
  try {
    links = await fetchApiLinks(api.source, api.baseUrl, api.apiKey, deps.fetchJson);
  } catch (error) {
    // Said to the user on the import; graphile-worker is not asked to retry a server that refused the key or answered nonsense.
    const reason = error instanceof ZodError ? "The server's answer is not the API expected" : error instanceof Error ? error.message : String(error);
    await deps.db.import.update({
      where: { id: importId },
      data: { status: "FAILED", error: reason.slice(0, 500), finishedAt: new Date(), options: { ...options, api: { ...api, apiKey: null } } },
    });
    throw new ImportSourceError(reason);
  }
  const content = apiLinksToCsv(links.slice(0, maxImportRows));
  const kept: ImportOptions = { ...options, api: { ...api, apiKey: null } };
  await deps.db.import.update({ where: { id: importId }, data: { content, totalRows: Math.min(links.length, maxImportRows), options: kept } });
  return { content, options: kept };
}

/** The other server could not be read: the import is marked FAILED with the reason; the job ends. */
export class ImportSourceError extends Error {
  override readonly name = "ImportSourceError";
}
