import { exportLinksPageInput } from "@hop/validators";
import type { TRPCRouterRecord } from "@trpc/server";
import { protectedProcedure } from "../../trpc";
import { exportLinksPageHandler } from "./links.handler";

/** What a user takes with them (issue 17). The web streams these pages into files; the API offers them as they are. */
export const exportsRouter = {
  links: protectedProcedure.input(exportLinksPageInput).query(exportLinksPageHandler),
} satisfies TRPCRouterRecord;
