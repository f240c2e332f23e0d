import { z } from "zod";
import { plainText } from "./text";

/** The CSV exports Hop reads: dub's, Shlink's and Bitly's; "custom" is any other CSV mapped by hand. */
export const importCsvFormats = ["dub", "shlink", "bitly", "custom"] as const;
export type ImportCsvFormat = (typeof importCsvFormats)[number];

/** Where an API import reads from: another server's REST API, with its key. */
export const importApiSources = ["shlink", "kutt"] as const;
export type ImportApiSource = (typeof importApiSources)[number];

/** The fields of a link an import fills; each is read from one column of the file (or none). */
export const importFields = ["url", "slug", "title", "tags", "createdAt"] as const;
export type ImportField = (typeof importFields)[number];

/** The largest file an import takes, in characters, and the most rows. */
export const maxImportChars = 25 * 1024 * 1024;
export const maxImportRows = 100_000;
/** Rows the mapping step shows before anything is written. */
export const importPreviewRows = 10;

const columnName = plainText().trim().min(1).max(200);

/** Which column feeds each field: a header of the file; null when the file has none for it. */
export const importMappingSchema = z.object({
  url: columnName,
  slug: columnName.nullable(),
  title: columnName.nullable(),
  tags: columnName.nullable(),
  createdAt: columnName.nullable(),
});
export type ImportMapping = z.infer<typeof importMappingSchema>;

/** What happens to a row whose slug is already someone's: a generated slug instead, or the row is skipped. */
export const importSlugTakenSchema = z.enum(["rename", "skip"]);
export type ImportSlugTaken = z.infer<typeof importSlugTakenSchema>;

const csvFile = {
  fileName: plainText().trim().min(1).max(255),
  // Any text: the parser says what is wrong with it, row by row.
  content: z
    .string()
    .min(1, "The file is empty")
    .max(maxImportChars, `Files up to ${maxImportChars / 1024 / 1024} MB are imported`),
  onSlugTaken: importSlugTakenSchema.default("rename"),
};

/** The mapping step: the file's first rows, the detected format and mapping, and what would happen to each row. */
export const previewImportInput = z.object({ ...csvFile, mapping: importMappingSchema.optional() });
export type PreviewImportInput = z.input<typeof previewImportInput>;

export const startImportInput = z.object({ ...csvFile, mapping: importMappingSchema });
export type StartImportInput = z.input<typeof startImportInput>;

/** An import straight from another server's API (Shlink REST v3 or Kutt API v2), with a key of an account there. */
export const startApiImportInput = z.object({
  source: z.enum(importApiSources),
  baseUrl: z.url({ protocol: /^https?$/, message: "Enter the server's address, e.g. https://s.example.com" }).max(2048),
  apiKey: plainText().trim().min(1, "Enter an API key of your account there").max(512),
  onSlugTaken: importSlugTakenSchema.default("rename"),
});
export type StartApiImportInput = z.input<typeof startApiImportInput>;

export const importIdInput = z.object({ id: plainText().min(1).max(64) });
