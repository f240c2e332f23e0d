import { z } from "zod";
import { plainText } from "./text";

/** The formats of the links export. */
export const linkExportFormats = ["csv", "json"] as const;
export type LinkExportFormat = (typeof linkExportFormats)[number];

/** One page of the links export: links after `cursor` (a link id) in id order, so pages never overlap or skip. */
export const exportLinksPageInput = z.object({
  cursor: plainText().min(1).max(64).nullish(),
  limit: z.number().int().min(1).max(1_000).default(1_000),
});
