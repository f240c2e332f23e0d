import { strToU8, zipSync } from "fflate";

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
