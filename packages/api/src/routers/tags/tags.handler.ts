import type { createTagInput, tagIdInput, updateTagInput } from "@hop/validators";
import { TRPCError } from "@trpc/server";
import type { z } from "zod";
import { fieldError, isUniqueViolation } from "../../errors";
import type { ProtectedContext } from "../../trpc";
import { listTagsHandler } from "../links/list.handler";

export interface TagView {
  id: string;
  name: string;
  color: string;
  createdAt: Date;
}

const tagSelect = { id: true, name: true, color: true, createdAt: true } as const;

async function findOwnTag(ctx: ProtectedContext, id: string): Promise<TagView> {
  const tag = await ctx.db.tag.findFirst({ where: { id, userId: ctx.session.userId }, select: tagSelect });
  if (!tag) throw new TRPCError({ code: "NOT_FOUND", message: "That tag does not exist" });
  return tag;
}

const taken = (name: string) => fieldError("name", `A tag named "${name}" already exists`);

/**
 * The user's tags, each with its live links and their clicks: the sum of the
 * links' click counters (kept by the ingestion worker from rollups), never a
 * count of raw clicks. Bot clicks are not in it, as everywhere in Hop.
 */
export async function tagStatsHandler({ ctx }: { ctx: ProtectedContext }) {
  const [tags, sums] = await Promise.all([
    listTagsHandler({ ctx }),
    ctx.db.$queryRaw<Array<{ tagId: string; clicks: bigint | null }>>`
      SELECT lt."tagId", SUM(l."totalClicks")::bigint AS clicks
      FROM "LinkTag" lt JOIN "Link" l ON l.id = lt."linkId"
      WHERE l."userId" = ${ctx.session.userId} AND l."deletedAt" IS NULL
      GROUP BY lt."tagId"`,
  ]);
  const clicksByTag = new Map(sums.map((row) => [row.tagId, Number(row.clicks ?? 0)]));
  return tags.map((tag) => ({ ...tag, clicks: clicksByTag.get(tag.id) ?? 0 }));
}

export async function createTagHandler({ ctx, input }: { ctx: ProtectedContext; input: z.output<typeof createTagInput> }): Promise<TagView> {
  try {
    return await ctx.db.tag.create({ data: { userId: ctx.session.userId, name: input.name, color: input.color ?? "gray" }, select: tagSelect });
  } catch (error) {
    if (isUniqueViolation(error)) throw taken(input.name);
    throw error;
  }
}

/** Links are tied to the tag's row, not its name: a rename shows on every link at once, and the redirect cache holds no tags. */
export async function updateTagHandler({ ctx, input }: { ctx: ProtectedContext; input: z.output<typeof updateTagInput> }): Promise<TagView> {
  const tag = await findOwnTag(ctx, input.id);
  try {
    return await ctx.db.tag.update({
      where: { id: tag.id },
      data: { ...(input.name !== undefined && { name: input.name }), ...(input.color !== undefined && { color: input.color }) },
      select: tagSelect,
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw taken(input.name ?? tag.name);
    throw error;
  }
}

/** The tag goes from every link that carried it (the links stay). */
export async function deleteTagHandler({ ctx, input }: { ctx: ProtectedContext; input: z.output<typeof tagIdInput> }): Promise<{ id: string }> {
  const tag = await findOwnTag(ctx, input.id);
  await ctx.db.tag.delete({ where: { id: tag.id } });
  return { id: tag.id };
}
