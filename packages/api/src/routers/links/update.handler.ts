import { hashPassword } from "@hop/auth";
import type { Prisma } from "@hop/db";
import { enqueueJob, linkMetadataJobKey } from "@hop/jobs";
import { publishLinkCache, redirectStatusFromCode, toCachedLink, utmToColumns } from "@hop/links";
import type { updateLinkInput } from "@hop/validators";
import type { z } from "zod";
import { isUniqueViolation, slugTaken } from "../../errors";
import type { ProtectedContext } from "../../trpc";
import { linkWithTags, toLinkView, type LinkWithTags } from "./link-view";
import { ensureTags, findOwnLink, holdSlugs, refuseOwnHost } from "./shared";

/** Changes only the fields given; `null` clears an optional one (password, expiry, title, fallback). */
export async function updateLinkHandler({ ctx, input }: { ctx: ProtectedContext; input: z.output<typeof updateLinkInput> }) {
  const userId = ctx.session.userId;
  const before = await findOwnLink(ctx, userId, input.id);
  refuseOwnHost(ctx, "url", input.url);
  refuseOwnHost(ctx, "expiredUrl", input.expiredUrl);

  const targetChanged = input.url !== undefined && input.url !== before.url;
  const data: Prisma.LinkUpdateInput = {
    ...(input.url !== undefined && { url: input.url }),
    ...(input.slug !== undefined && { slug: input.slug }),
    ...(input.title !== undefined && { title: input.title || null }),
    ...(input.expiresAt !== undefined && { expiresAt: input.expiresAt }),
    ...(input.expiredUrl !== undefined && { expiredUrl: input.expiredUrl }),
    ...(input.password !== undefined && { passwordHash: input.password === null ? null : await hashPassword(input.password) }),
    ...(input.redirectStatus !== undefined && { redirectStatus: redirectStatusFromCode(input.redirectStatus) }),
    ...(input.utm !== undefined && utmToColumns(input.utm)),
    // A new target's page has new metadata: fetched again, shown as pending meanwhile.
    ...(targetChanged && { metadataStatus: "PENDING", metadataError: null, description: null, imageUrl: null }),
  };

  const newSlug = input.slug !== undefined && input.slug !== before.slug ? input.slug : null;
  const hold = await holdSlugs(ctx, newSlug ? [before.slug, newSlug] : [before.slug]);
  let link: LinkWithTags;
  try {
    link = await ctx.db.$transaction(async (tx) => {
      if (input.tags !== undefined) {
        const tags = await ensureTags(tx, userId, input.tags);
        await tx.linkTag.deleteMany({ where: { linkId: before.id } });
        await tx.linkTag.createMany({ data: tags.map((tag) => ({ linkId: before.id, tagId: tag.id })) });
      }
      const updated = await tx.link.update({ where: { id: before.id }, data, include: linkWithTags });
      if (targetChanged) await enqueueJob(tx, "link.fetchMetadata", { linkId: updated.id, url: updated.url }, { jobKey: linkMetadataJobKey(updated.id) });
      return updated;
    });
  } catch (error) {
    // Nothing changed: the old entry back, and no hold left on a slug another link may own.
    await publishLinkCache(ctx.redis, hold, [[before.slug, toCachedLink(before)], ...(newSlug ? [[newSlug, "release"] as const] : [])]);
    if (isUniqueViolation(error)) throw slugTaken(input.slug ?? "");
    throw error;
  }

  // After the commit, before answering: the next redirect on any instance sees the change.
  await publishLinkCache(
    ctx.redis,
    hold,
    newSlug
      ? [
          [link.slug, toCachedLink(link)],
          [before.slug, null],
        ]
      : [[link.slug, toCachedLink(link)]],
  );
  return toLinkView(link, ctx.shortLinkBaseUrl);
}
