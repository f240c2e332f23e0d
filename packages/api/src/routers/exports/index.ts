import { createExportInput, exportIdInput, exportLinksPageInput } from "@hop/validators";
import type { TRPCRouterRecord } from "@trpc/server";
import { protectedProcedure } from "../../trpc";
import { createExportHandler, getExportHandler, listExportsHandler } from "./jobs.handler";
import { exportLinksPageHandler } from "./links.handler";

/**
 * What a user takes with them (issue 17). `links` is one page of the links
 * export (the web streams these into direct downloads); `create`, `list` and
 * `get` are exports prepared by a worker into a file kept in PostgreSQL and
 * downloaded from /api/exports/<id>/download.
 */
export const exportsRouter = {
  links: protectedProcedure.input(exportLinksPageInput).query(exportLinksPageHandler),
  create: protectedProcedure.input(createExportInput).mutation(createExportHandler),
  list: protectedProcedure.query(listExportsHandler),
  get: protectedProcedure.input(exportIdInput).query(getExportHandler),
} satisfies TRPCRouterRecord;
