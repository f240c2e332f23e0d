import type { createManyLinksInput } from "@hop/validators";
import { TRPCError } from "@trpc/server";
import type { z } from "zod";
import type { ProtectedContext } from "../../trpc";
import { createLinkHandler } from "./create.handler";
import type { LinkView } from "./link-view";

/**
 * Creates each link exactly as `links.create` does (same checks, same rate
 * limit, one transaction each), in order. One link's failure (a taken slug,
 * the rate limit) does not undo or stop the others: the answer says which
 * were created and which not, so a client retries only those.
 */
export async function createManyLinksHandler({ ctx, input }: { ctx: ProtectedContext; input: z.output<typeof createManyLinksInput> }) {
  const created: { index: number; link: LinkView }[] = [];
  const failed: { index: number; code: string; message: string }[] = [];
  for (const [index, link] of input.links.entries()) {
    try {
      created.push({ index, link: await createLinkHandler({ ctx, input: link }) });
    } catch (error) {
      const trpcError =
        error instanceof TRPCError ? error : new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: "This link could not be created", cause: error });
      // An internal error's detail is not for the client (as for any procedure).
      failed.push({ index, code: trpcError.code, message: trpcError.code === "INTERNAL_SERVER_ERROR" ? "This link could not be created" : trpcError.message });
    }
  }
  return { created, failed };
}
