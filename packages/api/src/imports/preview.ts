import type { Database } from "@hop/db";
import { createLinkInput, type ImportMapping, type ImportSlugTaken, importPreviewRows } from "@hop/validators";
import { type CsvRecord, defaultMapping, detectFormat, readCsvHead, rowToLink } from "./csv";

/** What the import would do with one row, said before anything is written. */
export type RowOutcome =
  | { action: "create"; slug: string | null }
  | { action: "rename"; slug: string }
  | { action: "skip"; slug: string; reason: string }
  | { action: "invalid"; reason: string };

/** The first message of a failed validation, named by its field: "url: Enter a URL starting with http:// or https://". */
export function firstIssue(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }): string {
  const issue = error.issues[0];
  if (!issue) return "Invalid row";
  const field = issue.path.map(String).join(".");
  return field ? `${field}: ${issue.message}` : issue.message;
}

/** The outcome of each record, asking PostgreSQL once which of their slugs are taken. */
export async function outcomesOf(db: Database, records: readonly CsvRecord[], mapping: ImportMapping, onSlugTaken: ImportSlugTaken): Promise<RowOutcome[]> {
  const parsed = records.map((record) => createLinkInput.safeParse(rowToLink(record, mapping).input));
  const slugs = parsed.flatMap((result) => (result.success && result.data.slug ? [result.data.slug] : []));
  const taken = new Set((await db.link.findMany({ where: { slug: { in: slugs } }, select: { slug: true } })).map((link) => link.slug));
  const seen = new Set<string>();
  return parsed.map((result): RowOutcome => {
    if (!result.success) return { action: "invalid", reason: firstIssue(result.error) };
    const slug = result.data.slug || null;
    if (!slug) return { action: "create", slug: null };
    // A slug twice in the file is taken by the first row by the time the second is created.
    const isTaken = taken.has(slug) || seen.has(slug);
    seen.add(slug);
    if (!isTaken) return { action: "create", slug };
    return onSlugTaken === "rename" ? { action: "rename", slug } : { action: "skip", slug, reason: `The slug "${slug}" is taken` };
  });
}

/** The mapping step: format and mapping (detected unless given), the first rows with their outcome, and the number of rows. */
export async function previewCsv(db: Database, input: { content: string; mapping?: ImportMapping | undefined; onSlugTaken: ImportSlugTaken }) {
  const head = await readCsvHead(input.content, importPreviewRows);
  const format = detectFormat(head.headers);
  const mapping = input.mapping ?? defaultMapping(format, head.headers);
  const outcomes = await outcomesOf(db, head.records, mapping, input.onSlugTaken);
  return {
    format,
    headers: head.headers,
    mapping,
    total: head.total,
    rows: head.records.map((record, index) => ({ cells: record, outcome: outcomes[index] ?? { action: "invalid" as const, reason: "Unreadable row" } })),
  };
}
