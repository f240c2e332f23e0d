/**
 * The export files' formats: the columns and how one page of links or clicks
 * becomes text. Pure (no I/O), so the web's direct downloads, the worker's
 * export job and the browser's CSV files write exactly the same thing.
 * Imported as `@hop/api/export-files`.
 */
import type { RawClick } from "../routers/analytics/clicks.handler";

/**
 * CSV as spreadsheets read it (RFC 4180): fields with a comma, quote or line
 * break quoted, quotes doubled; a field that a spreadsheet would run as a
 * formula (=, +, -, @ first) gets a leading apostrophe (CSV injection).
 */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return "";
  let text = String(value);
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

type CsvRow = readonly (string | number | null)[];

/** Rows as CSV lines, each ending in CRLF. */
export function csvLines(rows: readonly CsvRow[]): string {
  let text = "";
  for (const row of rows) text += `${row.map(csvField).join(",")}\r\n`;
  return text;
}

export function toCsv(header: readonly string[], rows: readonly CsvRow[]): string {
  return csvLines([header, ...rows]);
}

/** A link as the links export has it (exports.links gives these). */
export interface ExportedLink {
  id: string;
  slug: string;
  shortUrl: string;
  url: string;
  title: string | null;
  tags: string[];
  totalClicks: number;
  createdAt: Date;
  expiresAt: Date | null;
}

/** A raw click as the clicks export has it: analytics.clicks' row, its time a Date or (once serialised) a string. */
export type ExportedClick = Omit<RawClick, "id" | "occurredAt"> & { occurredAt: Date | string };

/**
 * A file written a page at a time: its opening, each page (told whether it is
 * the first, for separators) and its end, so a writer holds one page at most.
 */
export interface PagedFileFormat<Item> {
  contentType: string;
  extension: string;
  start: string;
  page(items: readonly Item[], first: boolean): string;
  end(empty: boolean): string;
}

export const linkCsvHeader = ["id", "slug", "short_url", "url", "title", "tags", "total_clicks", "created_at_utc", "expires_at_utc"] as const;

export const linksCsv: PagedFileFormat<ExportedLink> = {
  contentType: "text/csv; charset=utf-8",
  extension: "csv",
  start: csvLines([linkCsvHeader]),
  page: (links) =>
    csvLines(
      links.map((link) => [
        link.id,
        link.slug,
        link.shortUrl,
        link.url,
        link.title,
        // "|" as in Shlink's export: a tag never contains it in Hop's files, and commas stay readable.
        link.tags.join("|"),
        link.totalClicks,
        link.createdAt.toISOString(),
        link.expiresAt?.toISOString() ?? null,
      ]),
    ),
  end: () => "",
};

export const linksJson: PagedFileFormat<ExportedLink> = {
  contentType: "application/json; charset=utf-8",
  extension: "json",
  start: "",
  page: (links, first) => links.map((link, index) => `${first && index === 0 ? "[\n" : ",\n"}${JSON.stringify(link)}`).join(""),
  end: (empty) => (empty ? "[]\n" : "\n]\n"),
};

export const clickCsvHeader = [
  "occurred_at_utc",
  "link_id",
  "slug",
  "country",
  "region",
  "city",
  "device",
  "browser",
  "os",
  "referrer",
  "utm_source",
  "utm_medium",
  "utm_campaign",
  "trigger",
  "is_bot",
  "user_agent",
] as const;

export const clicksCsv: PagedFileFormat<ExportedClick> = {
  contentType: "text/csv; charset=utf-8",
  extension: "csv",
  start: csvLines([clickCsvHeader]),
  page: (clicks) =>
    csvLines(
      clicks.map((click) => [
        new Date(click.occurredAt).toISOString(),
        click.linkId,
        click.slug,
        click.country,
        click.region,
        click.city,
        click.device,
        click.browser,
        click.os,
        click.referrer,
        click.utmSource,
        click.utmMedium,
        click.utmCampaign,
        click.trigger,
        click.isBot ? "true" : "false",
        click.userAgent,
      ]),
    ),
  end: () => "",
};

/** The name a downloaded file gets: `hop-links-2026-12-01.csv`. */
export function exportFileName(kind: "links" | "clicks", extension: string, at: Date): string {
  return `hop-${kind}-${at.toISOString().slice(0, 10)}.${extension}`;
}
