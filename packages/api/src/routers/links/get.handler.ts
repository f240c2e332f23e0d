import type { linkIdInput, linkSlugInput } from "@hop/validators";
import { TRPCError } from "@trpc/server";
import type { z } from "zod";
import type { ProtectedContext } from "../../trpc";
import { toLinkView } from "./link-view";
import { readOwnLink } from "./own-link-query";
import { findOwnLink } from "./shared";

export async function getLinkHandler({ ctx, input }: { ctx: ProtectedContext; input: z.output<typeof linkIdInput> }) {
  return toLinkView(await findOwnLink(ctx, ctx.session.userId, input.id), ctx.shortLinkBaseUrl);
}

/** The caller's live link with this slug (case-sensitive, like the redirect); another user's slug is as unknown as a missing one. */
export async function getLinkBySlugHandler({ ctx, input }: { ctx: ProtectedContext; input: z.output<typeof linkSlugInput> }) {
  const link = await readOwnLink(ctx.db, ctx.session.userId, { slug: input.slug }, { deleted: false });
  if (!link) throw new TRPCError({ code: "NOT_FOUND", message: `No link with the slug "${input.slug}"` });
  return toLinkView(link, ctx.shortLinkBaseUrl);
}
