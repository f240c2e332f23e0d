import type { linkIdInput } from "@hop/validators";
import type { z } from "zod";
import type { ProtectedContext } from "../../trpc";
import { toLinkView } from "./link-view";
import { findOwnLink } from "./shared";

export async function getLinkHandler({ ctx, input }: { ctx: ProtectedContext; input: z.output<typeof linkIdInput> }) {
  return toLinkView(await findOwnLink(ctx, ctx.session.userId, input.id), ctx.shortLinkBaseUrl);
}
