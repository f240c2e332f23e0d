import { Prisma } from "@hop/db";
import type { analyticsClicksInput } from "@hop/validators";
import { TRPCError } from "@trpc/server";
import type { z } from "zod";
import type { ProtectedContext } from "../../trpc";
import { resolvePeriod } from "./period";
import { rawRangeSql, resolveScope, scopeSql } from "./scope";

/** One raw click as the export shows it: what was derived from the visit, never the address or the visitor hash. */
export interface RawClick {
  id: string;
  occurredAt: Date;
  linkId: string;
  slug: string;
  country: string | null;
  region: string | null;
  city: string | null;
  device: string | null;
  browser: string | null;
  os: string | null;
  /** The referrer's host, "direct" when none. */
  referrer: string;
  utmSource: string | null;
  utmMedium: string | null;
  utmCampaign: string | null;
  trigger: string;
  isBot: boolean;
  userAgent: string | null;
}

export interface RawClicksPage {
  clicks: RawClick[];
  /** Pass as `cursor` for the next page; null on the last. */
  nextCursor: string | null;
}

const cursorPattern = /^[1-9][0-9]{0,17}$/;

/** The period's raw clicks, newest recorded first, a page at a time (keyset on the click id: stable while clicks arrive). */
export async function analyticsClicksHandler({ ctx, input }: { ctx: ProtectedContext; input: z.output<typeof analyticsClicksInput> }): Promise<RawClicksPage> {
  if (input.cursor && !cursorPattern.test(input.cursor)) {
    throw new TRPCError({ code: "BAD_REQUEST", message: "That cursor is not one this list gave out" });
  }
  const scope = await resolveScope(ctx, input);
  const period = await resolvePeriod(ctx, input.period, input.timezone);
  const after = input.cursor ? Prisma.sql`AND c.id < ${BigInt(input.cursor)}` : Prisma.empty;
  const rows = await ctx.db.$queryRaw<(Omit<RawClick, "id" | "occurredAt"> & { id: bigint; occurredAt: Date })[]>`
    SELECT c.id, c."occurredAt" AT TIME ZONE 'UTC' AS "occurredAt", c."linkId", l.slug, c.country, c.region, c.city, c.device, c.browser, c.os,
      coalesce(c."referrerHost", 'direct') AS referrer, c."utmSource", c."utmMedium", c."utmCampaign", c.trigger, c."isBot", c."userAgent"
    FROM "Click" c JOIN "Link" l ON l.id = c."linkId"
    WHERE ${scopeSql(scope)} AND ${rawRangeSql(period.from, period.to)} ${after}
    ORDER BY c.id DESC LIMIT ${input.limit + 1}`;
  const page = rows.slice(0, input.limit);
  return {
    clicks: page.map((row) => ({ ...row, id: String(row.id), occurredAt: new Date(row.occurredAt) })),
    nextCursor: rows.length > input.limit ? String(page.at(-1)?.id) : null,
  };
}
