import { createTagInput, tagIdInput, updateTagInput } from "@hop/validators";
import type { TRPCRouterRecord } from "@trpc/server";
import { protectedProcedure } from "../../trpc";
import { listTagsHandler } from "../links/list.handler";
import { createTagHandler, deleteTagHandler, tagStatsHandler, updateTagHandler } from "./tags.handler";

// Tags are part of the links' data: an API key reads them with links:read and changes them with links:write.
const read = { scope: "links:read" } as const;
const write = { scope: "links:write" } as const;

/** A user's tags as things of their own (named, coloured, renamed, deleted); links carry them by name (links router). */
export const tagsRouter = {
  list: protectedProcedure.meta(read).query(listTagsHandler),
  // Clicks are analytics: a key needs analytics:read to see them.
  stats: protectedProcedure.meta({ scope: "analytics:read" }).query(tagStatsHandler),
  create: protectedProcedure.meta(write).input(createTagInput).mutation(createTagHandler),
  update: protectedProcedure.meta(write).input(updateTagInput).mutation(updateTagHandler),
  delete: protectedProcedure.meta(write).input(tagIdInput).mutation(deleteTagHandler),
} satisfies TRPCRouterRecord;
