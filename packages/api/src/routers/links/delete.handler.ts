import { publishLinkCache, toCachedLink } from "@hop/links";
import { emitWebhookEvent } from "@hop/webhooks";
import type { linkIdInput } from "@hop/validators";
import { TRPCError } from "@trpc/server";
import type { z } from "zod";
import type { ProtectedContext } from "../../trpc";
import { linkWithTags, toLinkView, type LinkWithTags } from "./link-view";
import { findOwnLink, holdSlugs } from "./shared";

/** How long a deleted link can be restored (its slug stays reserved meanwhile). */
export const undoDeleteWindowMs = 10 * 60 * 1000;

/** Soft delete: the link stops redirecting at once on every instance and can be restored for a while. */
export async function deleteLinkHandler({ ctx, input }: { ctx: ProtectedContext; input: z.output<typeof linkIdInput> }) {
  const link = await findOwnLink(ctx, ctx.session.userId, input.id);
  const deletedAt = new Date();
  const hold = await holdSlugs(ctx, [link.slug]);
  try {
    await ctx.db.$transaction(async (tx) => {
      await tx.link.update({ where: { id: link.id }, data: { deletedAt } });
      await emitWebhookEvent(tx, link.userId, "link.deleted", { id: link.id, slug: link.slug, url: link.url, deletedAt });
    });
  } catch (error) {
    await publishLinkCache(ctx.redis, hold, [[link.slug, toCachedLink(link)]]);
    throw error;
  }
  await publishLinkCache(ctx.redis, hold, [[link.slug, null]]);
  return { id: link.id, slug: link.slug, restorableUntil: new Date(deletedAt.getTime() + undoDeleteWindowMs) };
}

export async function restoreLinkHandler({ ctx, input }: { ctx: ProtectedContext; input: z.output<typeof linkIdInput> }) {
  const deleted = await findOwnLink(ctx, ctx.session.userId, input.id, { deleted: true });
  if (!deleted.deletedAt || deleted.deletedAt.getTime() + undoDeleteWindowMs < Date.now()) {
    throw new TRPCError({ code: "PRECONDITION_FAILED", message: "This link was deleted too long ago to be restored" });
  }
  const hold = await holdSlugs(ctx, [deleted.slug]);
  let link: LinkWithTags;
  try {
    link = await ctx.db.$transaction(async (tx) => {
      const restored = await tx.link.update({ where: { id: deleted.id }, data: { deletedAt: null }, include: linkWithTags });
      // A restored link is the same link again: receivers see it as changed (deletedAt back to null).
      await emitWebhookEvent(tx, restored.userId, "link.updated", toLinkView(restored, ctx.shortLinkBaseUrl));
      return restored;
    });
  } catch (error) {
    await publishLinkCache(ctx.redis, hold, [[deleted.slug, null]]);
    throw error;
  }
  await publishLinkCache(ctx.redis, hold, [[link.slug, toCachedLink(link)]]);
  return toLinkView(link, ctx.shortLinkBaseUrl);
}
