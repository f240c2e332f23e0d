import { createTagInput, tagIdInput, updateTagInput } from "@hop/validators";
import type { TRPCRouterRecord } from "@trpc/server";
import { protectedProcedure } from "../../trpc";
import { createTagHandler, deleteTagHandler, listTagsWithClicksHandler, updateTagHandler } from "./tags.handler";

/** A user's tags as things of their own (named, coloured, renamed, deleted); links carry them by name (links router). */
export const tagsRouter = {
  list: protectedProcedure.query(listTagsWithClicksHandler),
  create: protectedProcedure.input(createTagInput).mutation(createTagHandler),
  update: protectedProcedure.input(updateTagInput).mutation(updateTagHandler),
  delete: protectedProcedure.input(tagIdInput).mutation(deleteTagHandler),
} satisfies TRPCRouterRecord;
