import { setImmediate as nextTurn } from "node:timers/promises";
import type { CreateLinkInput, ImportCsvFormat, ImportMapping } from "@hop/validators";
import { CsvError, type Parser, parse } from "csv-parse";
import { fieldError } from "../errors";

/** A row as the file gives it: the header's names to the cells' text. */
export type CsvRecord = Record<string, string>;

/** The header names of each known export, lower-cased; the first present name of each field is mapped. */
const knownColumns: Record<Exclude<ImportCsvFormat, "custom">, Record<keyof ImportMapping, string[]>> = {
  // dub's export: `link` (the short link) or `domain` + `key`, `url`, `createdAt`, `tags`, `title`.
  dub: { url: ["url"], slug: ["key", "link", "shortlink"], title: ["title"], tags: ["tags"], createdAt: ["createdat", "created at"] },
  // Shlink's export (web client and `short-url:list --csv`).
  shlink: {
    url: ["long url", "longurl"],
    slug: ["short code", "shortcode"],
    title: ["title"],
    tags: ["tags"],
    createdAt: ["created at", "date created", "datecreated"],
  },
  // Bitly's export of links.
  bitly: {
    url: ["long_url", "long url", "destination url"],
    slug: ["custom_bitlinks", "bitlink", "link", "short link"],
    title: ["title"],
    tags: ["tags"],
    createdAt: ["created_at", "date created", "created"],
  },
};

/** Which export a header row is from: Shlink's says "Short code", Bitly's "long_url"/"Bitlink", dub's "url" beside "key" or "link". */
export function detectFormat(headers: readonly string[]): ImportCsvFormat {
  const names = new Set(headers.map((header) => header.trim().toLowerCase()));
  if (names.has("short code") || names.has("long url")) return "shlink";
  if (names.has("long_url") || names.has("bitlink") || names.has("custom_bitlinks")) return "bitly";
  if (names.has("url") && (names.has("key") || names.has("link"))) return "dub";
  return "custom";
}

/** The mapping a format implies for these headers (the user can change it); a custom file maps the first URL-looking column. */
export function defaultMapping(format: ImportCsvFormat, headers: readonly string[]): ImportMapping {
  const find = (candidates: readonly string[]) => headers.find((header) => candidates.includes(header.trim().toLowerCase())) ?? null;
  const columns = knownColumns[format === "custom" ? "dub" : format];
  return {
    url: find(columns.url) ?? find(["url", "long url", "long_url", "target", "destination"]) ?? headers[0] ?? "url",
    slug: find(columns.slug),
    title: find(columns.title),
    tags: find(columns.tags),
    createdAt: find(columns.createdAt),
  };
}

/** Far longer than any link's row (a URL is at most 2,048 characters): a longer line is not a link export. */
export const maxCsvRowChars = 1024 * 1024;

/** How much of the file the parser is given at a time; the process answers other requests between two. */
const feedChars = 64 * 1024;

/**
 * Reads a CSV's records one at a time (csv-parse's stream: the rows are never
 * all in memory as objects). Headers come from the first line; a BOM is
 * dropped; rows with fewer or more cells than the header are kept, their cells
 * matched by position (exports are not always tidy). A file that is not CSV
 * (a quote never closed, a line over maxCsvRowChars) is refused with a field
 * error on `content` saying why (400), not left to fail as a 500.
 */
export async function* readCsv(content: string): AsyncGenerator<{ headers: string[] } | { index: number; record: CsvRecord }> {
  const parser = parse({ bom: true, relax_column_count: true, skip_empty_lines: true, trim: false, max_record_size: maxCsvRowChars });
  void feed(parser, content);
  let headers: string[] | null = null;
  let index = 0;
  try {
    for await (const cells of parser as AsyncIterable<string[]>) {
      if (!headers) {
        headers = cells.map((cell) => cell.trim());
        yield { headers };
        continue;
      }
      const record: CsvRecord = {};
      headers.forEach((header, position) => {
        record[header] = cells[position] ?? "";
      });
      yield { index: index++, record };
    }
  } catch (error) {
    throw error instanceof CsvError ? fieldError("content", unreadableCsvMessage(error)) : error;
  } finally {
    parser.destroy();
  }
  if (!headers) yield { headers: [] };
}

/**
 * Gives the parser the file a slice at a time, a turn of the event loop apart: parse(content) parses the whole string
 * in one synchronous call, which held up every other request of the process (redirects included) for a second per
 * 25 MB file, and for 9 s for a 25 MB line. (Readable.from would not do: its reads follow each other in the same turn.)
 * Never rejects: a parser that failed or was closed (the reader stopped early) is simply not fed any more.
 */
async function feed(parser: Parser, content: string): Promise<void> {
  try {
    for (let at = 0; at < content.length; ) {
      await nextTurn();
      if (parser.destroyed) return;
      let end = Math.min(at + feedChars, content.length);
      // A slice must not end between the two halves of a surrogate pair: each is written as UTF-8 on its own.
      const last = content.charCodeAt(end - 1);
      if (end < content.length && last >= 0xd800 && last <= 0xdbff) end -= 1;
      const more = parser.write(content.slice(at, end));
      at = end;
      if (!more) await drainedOrClosed(parser);
    }
    if (!parser.destroyed) parser.end();
  } catch {
    // A write to a parser that failed meanwhile: the reader gets that failure from the parser itself.
  }
}

/** Until the parser takes more, or will take nothing more (closed, failed); its listeners removed either way. */
function drainedOrClosed(parser: Parser): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      for (const event of ["drain", "close", "error"]) parser.off(event, done);
      resolve();
    };
    for (const event of ["drain", "close", "error"]) parser.on(event, done);
  });
}

function unreadableCsvMessage(error: CsvError): string {
  const line = typeof error.lines === "number" ? ` (line ${error.lines})` : "";
  switch (error.code) {
    case "CSV_QUOTE_NOT_CLOSED":
      return `The file ends inside a quoted cell${line}: a quote (") opened in it is never closed. Check the file's quotes, or export it again as CSV`;
    case "CSV_MAX_RECORD_SIZE":
      return `A line of the file${line} is longer than ${maxCsvRowChars.toLocaleString("en")} characters: this does not look like a CSV of links`;
    default:
      return `The file could not be read as CSV${line}: ${error.message}`;
  }
}

/** The headers and the first `limit` records of a CSV. */
export async function readCsvHead(content: string, limit: number): Promise<{ headers: string[]; records: CsvRecord[]; total: number }> {
  let headers: string[] = [];
  const records: CsvRecord[] = [];
  let total = 0;
  for await (const item of readCsv(content)) {
    if ("headers" in item) headers = item.headers;
    else {
      total++;
      if (records.length < limit) records.push(item.record);
    }
  }
  return { headers, records, total };
}

/** A short link (`https://dub.sh/abc`, `bit.ly/abc`) or a bare key: the slug is the link's last path segment ("" for a bare host). */
function slugOf(value: string): string {
  const trimmed = value.trim();
  if (!trimmed.includes("/")) return trimmed;
  try {
    const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`);
    return decodeURIComponent(
      url.pathname
        .split("/")
        .filter((segment) => segment.length > 0)
        .at(-1) ?? "",
    );
  } catch {
    // Not a URL nor a key: links.create says what is wrong with it.
    return trimmed;
  }
}

/** Tags in one cell: separated by `|` (Shlink), `,` or `;`. */
function tagsOf(value: string): string[] {
  return value
    .split(/[|,;]/)
    .map((tag) => tag.trim())
    .filter((tag) => tag.length > 0);
}

/** A row's fields for links.create (validated there), and the creation date the file gives, if any. */
export function rowToLink(record: CsvRecord, mapping: ImportMapping): { input: CreateLinkInput; createdAt: Date | null } {
  const cell = (column: string | null) => (column ? (record[column] ?? "").trim() : "");
  const slug = slugOf(cell(mapping.slug));
  const title = cell(mapping.title);
  const tags = tagsOf(cell(mapping.tags));
  const created = cell(mapping.createdAt);
  const createdAt = created ? new Date(created) : null;
  return {
    input: { url: cell(mapping.url), ...(slug ? { slug } : {}), ...(title ? { title } : {}), ...(tags.length > 0 ? { tags } : {}) },
    // A date that does not parse is dropped (the link gets today's), never a reason to refuse the row.
    createdAt: createdAt && !Number.isNaN(createdAt.getTime()) ? createdAt : null,
  };
}
