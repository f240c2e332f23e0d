import type { Database } from "@hop/db";
import { type Redis, redisKeys } from "@hop/redis";
import {
  createLinkInput,
  type ImportMapping,
  importApiSources,
  importMappingSchema,
  importSlugTakenSchema,
  maxBulkLinks,
  maxImportRows,
  type CreateLinkInput,
} from "@hop/validators";
import { ZodError, z } from "zod";
import { createUserJobContext, type ImportRowsContext, type TRPCContext } from "../context";
import { appRouter } from "../root";
import { createCallerFactory } from "../trpc";
import { apiLinksToCsv, type FetchJson, fetchApiLinks } from "./api-source";
import { type CsvRecord, readCsv, rowToLink } from "./csv";
import { firstIssue } from "./preview";
import { importShlinkVisits } from "./visits";

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
  /** Why a FAILED import stopped (the other server unreadable, the job's attempts used up). */
  error: z.string().nullable(),
  at: z.number(),
});
export type ImportProgress = z.infer<typeof importProgressSchema>;

export interface ImportRunDeps {
  db: Database;
  redis: Redis;
  instanceId: string;
  /** links.createMany calls in flight at once (each up to maxBulkLinks rows in one transaction). */
  concurrency?: number;
  signal?: AbortSignal;
  /** The guarded HTTP client API imports read through (the worker's: public addresses only). */
  fetchJson?: FetchJson;
}

const createCaller = createCallerFactory(appRouter);

/** The importing user's context, as if they had called links.create themselves. */
function importContext(deps: ImportRunDeps, userId: string, options: ImportOptions, importRows: ImportRowsContext): TRPCContext {
  return createUserJobContext({
    ...deps,
    userId,
    sessionId: `import:${importRows.importId}`,
    userAgent: "hop-import",
    shortLinkBaseUrl: options.shortLinkBaseUrl,
    headers: new Headers(options.requestHost ? { host: options.requestHost } : {}),
    importRows,
  });
}

type RowResult = { kind: "created" } | { kind: "failed"; reason: string } | { kind: "skipped"; reason: string };

/** A row read from the file: its fields for links.create, and the date the file gives. */
interface ImportedRow {
  index: number;
  input: CreateLinkInput;
  createdAt: Date | null;
}

type CreateManyFailure = Awaited<ReturnType<ReturnType<typeof createCaller>["links"]["createMany"]>>["failed"][number];

/** A refusal of the row itself (invalid, slug taken): recorded with its reason. Anything else (Redis or PostgreSQL down) stops the run to be retried. */
function isRowRefusal(failure: CreateManyFailure): boolean {
  return failure.code === "BAD_REQUEST" || failure.code === "CONFLICT" || failure.code === "FORBIDDEN";
}

class ImportBatchError extends Error {
  override readonly name = "ImportBatchError";
}

/** Rows through links.createMany in the importer's context; each row's record is written in that call's transaction. */
async function createBatch(deps: ImportRunDeps, userId: string, options: ImportOptions, importId: string, rows: readonly ImportedRow[]) {
  const context = importContext(deps, userId, options, { importId, rows: rows.map((row) => ({ rowIndex: row.index, createdAt: row.createdAt })) });
  return createCaller(context).links.createMany({ links: rows.map((row) => row.input) });
}

/**
 * One batch of valid rows: created through links.createMany; a row whose slug
 * is taken is skipped, or sent again with a generated slug (rename) in a
 * second call. Returns each row's outcome by its index in the file.
 */
async function runBatch(
  deps: ImportRunDeps,
  userId: string,
  options: ImportOptions,
  importId: string,
  rows: readonly ImportedRow[],
): Promise<Map<number, RowResult>> {
  const results = new Map<number, RowResult>();
  const settle = (sent: readonly ImportedRow[], outcome: Awaited<ReturnType<typeof createBatch>>, onSlugTaken: "skip" | "rename" | "fail") => {
    const renames: ImportedRow[] = [];
    for (const created of outcome.created) {
      const row = sent[created.index];
      if (row) results.set(row.index, { kind: "created" });
    }
    for (const failure of outcome.failed) {
      const row = sent[failure.index];
      if (!row) continue;
      if (!isRowRefusal(failure)) throw new ImportBatchError(`row ${row.index + 1}: ${failure.code} ${failure.message}`);
      if (failure.slugTaken && onSlugTaken === "rename") renames.push({ ...row, input: { ...row.input, slug: "" } });
      else if (failure.slugTaken && onSlugTaken === "skip") results.set(row.index, { kind: "skipped", reason: failure.message });
      else results.set(row.index, { kind: "failed", reason: failure.message });
    }
    return renames;
  };
  const renames = settle(rows, await createBatch(deps, userId, options, importId, rows), options.onSlugTaken);
  if (renames.length > 0) settle(renames, await createBatch(deps, userId, options, importId, renames), "fail");
  return results;
}

async function publishProgress(deps: Pick<ImportRunDeps, "redis">, progress: ImportProgress): Promise<void> {
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
  error: true,
} as const;

/**
 * Runs an import to its end: the rows of the stored file through
 * links.createMany in the importer's context, up to maxBulkLinks rows a call
 * and `concurrency` calls at a time. Rows already recorded (a previous run
 * killed midway) are skipped, and a row's record is written in its link's
 * transaction, so a row never creates two links. Counters are
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

  const concurrency = deps.concurrency ?? 4;
  let chunk: { index: number; record: CsvRecord }[] = [];
  let cancelled = false;
  const flush = async () => {
    // Invalid rows are told apart here with the same schema (createMany refuses a call with any invalid link as a whole).
    const results = new Map<number, RowResult>();
    const valid: ImportedRow[] = [];
    for (const { index, record } of chunk) {
      const { input, createdAt } = rowToLink(record, options.mapping);
      const parsed = createLinkInput.safeParse(input);
      if (parsed.success) valid.push({ index, input, createdAt });
      else results.set(index, { kind: "failed", reason: firstIssue(parsed.error) });
    }
    const batches = Array.from({ length: Math.ceil(valid.length / maxBulkLinks) }, (_, position) =>
      valid.slice(position * maxBulkLinks, (position + 1) * maxBulkLinks),
    );
    for (const outcome of await Promise.all(batches.map((rows) => runBatch(deps, found.userId, options, importId, rows)))) {
      for (const [index, result] of outcome) results.set(index, result);
    }
    const refused = [...results].flatMap(([rowIndex, result]) =>
      result.kind === "failed" || result.kind === "skipped" ? [{ importId, rowIndex, error: result.reason, skipped: result.kind === "skipped" }] : [],
    );
    // A refused row created nothing, so writing its record again after a restart is harmless (skipDuplicates).
    if (refused.length > 0) await deps.db.importRow.createMany({ data: refused, skipDuplicates: true });
    const count = (kind: RowResult["kind"]) => [...results.values()].filter((result) => result.kind === kind).length;
    const after = await deps.db.import.update({
      where: { id: importId },
      data: { createdRows: { increment: count("created") }, failedRows: { increment: count("failed") }, skippedRows: { increment: count("skipped") } },
      select: progressSelect,
    });
    chunk = [];
    await publishProgress(deps, toProgress(after));
    if (after.status === "CANCELLED") cancelled = true;
  };
  for await (const item of readCsv(content ?? "")) {
    if ("headers" in item || handled.has(item.index)) continue;
    chunk.push(item);
    if (chunk.length >= concurrency * maxBulkLinks) await flush();
    if (cancelled || deps.signal?.aborted) break;
  }
  if (!cancelled && !deps.signal?.aborted && chunk.length > 0) await flush();
  if (deps.signal?.aborted && !cancelled) throw new Error("import interrupted by shutdown; it resumes where it stopped");
  const api = options.api;
  if (api?.apiKey) {
    // Shlink's visits of the links created, as clicks (idempotent: a retried run counts each once); then the key is erased.
    if (!cancelled && api.source === "shlink" && deps.fetchJson) {
      const links = await createdShortCodes(deps.db, importId, content ?? "", options.mapping);
      try {
        await importShlinkVisits({ db: deps.db, fetchJson: deps.fetchJson }, importId, { baseUrl: api.baseUrl, apiKey: api.apiKey }, links);
      } catch (error) {
        // The links are in; visits the key may not read (a Hop key without analytics:read) or the server will not give
        // are said on the import rather than failing it or retrying it forever.
        const reason = error instanceof ZodError ? "the server's answer is not Shlink's" : error instanceof Error ? error.message : String(error);
        await deps.db.import.update({
          where: { id: importId },
          data: { error: `The links were imported; their visits could not be read: ${reason}`.slice(0, 500) },
        });
      }
    }
    await deps.db.import.update({ where: { id: importId }, data: { options: { ...options, api: { ...api, apiKey: null } } } });
  }
  if (!cancelled) await deps.db.import.updateMany({ where: { id: importId, status: "RUNNING" }, data: { status: "SUCCEEDED", finishedAt: new Date() } });
  const final = await deps.db.import.findUniqueOrThrow({ where: { id: importId }, select: progressSelect });
  await publishProgress(deps, toProgress(final));
  return { status: final.status, created: final.createdRows, failed: final.failedRows, skipped: final.skippedRows };
}

/**
 * Marks an import that cannot go on as FAILED with the reason the user is
 * shown (its job's attempts used up), unless it already ended; the rows it
 * created stay, and the counters are the records'. Pushed like any progress.
 */
export async function failImport(deps: Pick<ImportRunDeps, "db" | "redis">, importId: string, reason: string): Promise<boolean> {
  const changed = await deps.db.import.updateMany({
    where: { id: importId, status: { in: ["QUEUED", "RUNNING"] } },
    data: { status: "FAILED", error: reason.slice(0, 500), finishedAt: new Date() },
  });
  // An API import's key is not kept past the import's end.
  await deps.db.$executeRaw`UPDATE "Import" SET options = jsonb_set(options, '{api,apiKey}', 'null') WHERE id = ${importId} AND options->'api' IS NOT NULL`;
  const row = await deps.db.import.findUnique({ where: { id: importId }, select: progressSelect });
  if (row) await publishProgress(deps, { ...row, importId: row.id, startedAt: row.startedAt?.toISOString() ?? null, at: Date.now() });
  return changed.count > 0;
}

/** How long graphile-worker leaves a job locked by a worker that died before another may take it (its default: 4 hours). */
const jobLockTimeoutHours = 4;

/**
 * The scheduled sweep for imports nobody will run any more: still QUEUED or
 * RUNNING while their job has used up its attempts and no live worker holds
 * it (a worker killed during the last attempt), or the job is gone. Each is
 * marked FAILED with the reason. Returns how many.
 */
export async function failAbandonedImports(deps: Pick<ImportRunDeps, "db" | "redis">): Promise<number> {
  const abandoned = await deps.db.$queryRaw<{ id: string; attempts: number | null; lastError: string | null }[]>`
    SELECT i.id, j.attempts, j.last_error AS "lastError"
    FROM "Import" i
    LEFT JOIN graphile_worker._private_jobs j ON j.key = 'links.import:' || i.id
    WHERE i.status IN ('QUEUED', 'RUNNING')
      AND (j.id IS NULL OR (j.attempts >= j.max_attempts AND (j.locked_at IS NULL OR j.locked_at < now() - make_interval(hours => ${jobLockTimeoutHours}))))`;
  let failed = 0;
  for (const row of abandoned) {
    const reason =
      row.attempts === null
        ? "The import stopped: its job is gone from the queue"
        : `The import stopped after ${row.attempts} attempts${row.lastError ? `: ${row.lastError.split("\n")[0]}` : " (its worker stopped during the last one)"}`;
    if (await failImport(deps, row.id, reason)) failed++;
  }
  return failed;
}

/** The short codes of the rows that created a link (the file's slug, before any rename), with their links. */
async function createdShortCodes(db: Database, importId: string, content: string, mapping: ImportMapping): Promise<{ shortCode: string; linkId: string }[]> {
  const created = new Map(
    (await db.importRow.findMany({ where: { importId, linkId: { not: null } }, select: { rowIndex: true, linkId: true } })).map((row) => [
      row.rowIndex,
      row.linkId,
    ]),
  );
  const links: { shortCode: string; linkId: string }[] = [];
  for await (const item of readCsv(content)) {
    if ("headers" in item) continue;
    const linkId = created.get(item.index);
    const shortCode = mapping.slug ? (item.record[mapping.slug] ?? "").trim() : "";
    if (linkId && shortCode) links.push({ shortCode, linkId });
  }
  return links;
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
  // Shlink's key is kept until the created links' visits are read (the end of the run); Kutt's is done with now.
  const kept: ImportOptions = { ...options, api: { ...api, apiKey: api.source === "shlink" ? api.apiKey : null } };
  await deps.db.import.update({ where: { id: importId }, data: { content, totalRows: Math.min(links.length, maxImportRows), options: kept } });
  return { content, options: kept };
}

/** The other server could not be read: the import is marked FAILED with the reason; the job ends. */
export class ImportSourceError extends Error {
  override readonly name = "ImportSourceError";
}
