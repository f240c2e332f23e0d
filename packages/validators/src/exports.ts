import { z } from "zod";
import { analyticsQueryInput } from "./analytics";
import { plainText } from "./text";

/** The formats of the links export. */
export const linkExportFormats = ["csv", "json"] as const;
export type LinkExportFormat = (typeof linkExportFormats)[number];

/** One page of the links export: links after `cursor` (a link id) in id order, so pages never overlap or skip. */
export const exportLinksPageInput = z.object({
  cursor: plainText().min(1).max(64).nullish(),
  limit: z.number().int().min(1).max(1_000).default(1_000),
});

/** What an export job writes: every live link (CSV or JSON), or the raw clicks of a period (CSV). */
export const exportKinds = ["links", "clicks"] as const;
export type ExportKind = (typeof exportKinds)[number];

/**
 * A file the worker prepares. The clicks take the analytics page's query (the
 * same period, timezone, filters and bots choice as analytics.clicks), so the
 * file holds exactly what the page shows.
 */
export const createExportInput = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("links"), format: z.enum(linkExportFormats).default("csv") }),
  z.object({ kind: z.literal("clicks"), format: z.literal("csv").default("csv"), query: analyticsQueryInput.prefault({}) }),
]);
export type CreateExportInput = z.input<typeof createExportInput>;

export const exportIdInput = z.object({ id: plainText().min(1).max(64) });

/**
 * A period's raw clicks up to this many (counted from the rollups the page
 * already shows) are downloaded straight away; more are prepared by a worker.
 * At about 13,000 rows/s through a web instance that is under 4 s and under
 * 15 MB of CSV.
 */
export const directClicksExportLimit = 50_000;
