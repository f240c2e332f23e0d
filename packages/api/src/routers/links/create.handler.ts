import { hashPassword } from "@hop/auth";
import { enqueueJob, linkMetadataJobKey } from "@hop/jobs";
import { emitWebhookEvent } from "@hop/webhooks";
import { generateSlug, publishLinkCache, redirectStatusFromCode, toCachedLink, utmToColumns } from "@hop/links";
import type { createLinkInput } from "@hop/validators";
import type { z } from "zod";
import { enforceRateLimit, isUniqueViolation, slugTaken } from "../../errors";
import type { ProtectedContext } from "../../trpc";
import { linkWithTags, toLinkView } from "./link-view";
import { ensureTags, holdSlugs, refuseOwnHost } from "./shared";

// A generated slug collides about once in billions; a few retries make a failure practically impossible.
const generatedSlugAttempts = 5;

export async function createLinkHandler({ ctx, input }: { ctx: ProtectedContext; input: z.output<typeof createLinkInput> }) {
  const userId = ctx.session.userId;
  refuseOwnHost(ctx, "url", input.url);
  refuseOwnHost(ctx, "expiredUrl", input.expiredUrl);
  // An import's rows are paced by its one job (one import at a time per account), not by the interactive limiter.
  if (!ctx.importRow) await enforceRateLimit(ctx, "linkCreatePerUser", userId);
  const importRow = ctx.importRow;
  const passwordHash = input.password ? await hashPassword(input.password) : null;
  const customSlug = input.slug || null;

  for (let attempt = 1; ; attempt++) {
    const slug = customSlug ?? generateSlug();
    // Replaces a "missing" marker a visitor may have left for this slug, and keeps refills off until the link exists.
    const hold = await holdSlugs(ctx, [slug]);
    try {
      const link = await ctx.db.$transaction(async (tx) => {
        const tags = await ensureTags(tx, userId, input.tags ?? []);
        const created = await tx.link.create({
          data: {
            userId,
            slug,
            url: input.url,
            title: input.title || null,
            expiresAt: input.expiresAt ?? null,
            expiredUrl: input.expiredUrl ?? null,
            passwordHash,
            redirectStatus: redirectStatusFromCode(input.redirectStatus ?? 302),
            ...utmToColumns(input.utm ?? {}),
            tags: { create: tags.map((tag) => ({ tagId: tag.id })) },
            ...(importRow?.createdAt ? { createdAt: importRow.createdAt } : {}),
          },
          include: linkWithTags,
        });
        // An imported row is marked done with its link: both or neither, so no row is created twice.
        if (importRow) await tx.importRow.create({ data: { importId: importRow.importId, rowIndex: importRow.rowIndex, linkId: created.id } });
        // In the same transaction: the metadata fetch exists if and only if the link does.
        await enqueueJob(tx, "link.fetchMetadata", { linkId: created.id, url: created.url }, { jobKey: linkMetadataJobKey(created.id) });
        await emitWebhookEvent(tx, userId, "link.created", toLinkView(created, ctx.shortLinkBaseUrl));
        return created;
      });
      await publishLinkCache(ctx.redis, hold, [[link.slug, toCachedLink(link)]]);
      return toLinkView(link, ctx.shortLinkBaseUrl);
    } catch (error) {
      // The slug may be another link's: drop the hold, never write an entry for it.
      await publishLinkCache(ctx.redis, hold, [[slug, "release"]]);
      if (!isUniqueViolation(error)) throw error;
      if (customSlug) throw slugTaken(customSlug);
      if (attempt >= generatedSlugAttempts) throw error;
    }
  }
}
