import { z } from "zod";
import { tagNameSchema } from "./links";
import { plainText } from "./text";

/**
 * The colours a tag can have: the closed set that the APIs Hop speaks accept
 * (dub's SDK refuses any other). Tags made before colours were chosen carry
 * "slate", which reads as "gray".
 */
export const tagColors = ["gray", "red", "yellow", "green", "blue", "purple", "brown", "pink"] as const;
export const tagColorSchema = z.enum(tagColors);
export type TagColor = z.infer<typeof tagColorSchema>;

export const createTagInput = z.object({ name: tagNameSchema, color: tagColorSchema.optional() });
export type CreateTagInput = z.input<typeof createTagInput>;

/** Renames and/or recolours a tag; links keep it under its new name. */
export const updateTagInput = z.object({ id: plainText().min(1).max(64), name: tagNameSchema.optional(), color: tagColorSchema.optional() });
export type UpdateTagInput = z.input<typeof updateTagInput>;

export const tagIdInput = z.object({ id: plainText().min(1).max(64) });
