import type { createLinkInput } from "@hop/validators";
import type { z } from "zod";
import type { ProtectedContext } from "../../trpc";
import { createLinks } from "./create-links";
import type { LinkView } from "./link-view";

/** One link: a batch of one through createLinks (the same rules as links.createMany), its refusal thrown as is. */
export async function createLinkHandler({ ctx, input }: { ctx: ProtectedContext; input: z.output<typeof createLinkInput> }): Promise<LinkView> {
  const { created, failed } = await createLinks(ctx, [input]);
  const link = created.get(0);
  if (link) return link;
  throw failed.get(0) ?? new Error("links.create ended with neither a link nor an error");
}
