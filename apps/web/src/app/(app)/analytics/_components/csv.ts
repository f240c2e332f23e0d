import { strToU8, zipSync } from "fflate";

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

export function toCsv(header: readonly string[], rows: readonly (readonly (string | number | null)[])[]): string {
  return [header, ...rows].map((row) => row.map(csvField).join(",")).join("\r\n") + "\r\n";
}

/** One ZIP of named CSV files, built in the browser from what the page already shows. */
export function zipCsvFiles(files: Record<string, string>): Uint8Array<ArrayBuffer> {
  const entries = Object.fromEntries(Object.entries(files).map(([name, csv]) => [name, strToU8(csv)]));
  return new Uint8Array(zipSync(entries, { level: 6 }));
}

/** Hands bytes or text to the browser as a download. */
export function download(name: string, content: BlobPart, type: string): void {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const anchor = document.createElement("a");
  anchor.href = url;
  anchor.download = name;
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
