import type { createManyLinksInput } from "@hop/validators";
import type { z } from "zod";
import { SlugTakenError } from "../../errors";
import type { ProtectedContext } from "../../trpc";
import { createLinks } from "./create-links";

/**
 * Creates the links as `links.create` does (same checks, same rate limit),
 * in one transaction per batch (see createLinks). One link's failure (a taken
 * slug, the rate limit) does not undo or stop the others: the answer says
 * which were created and which not, so a client retries only those.
 */
export async function createManyLinksHandler({ ctx, input }: { ctx: ProtectedContext; input: z.output<typeof createManyLinksInput> }) {
  const { created, failed } = await createLinks(ctx, input.links);
  return {
    created: [...created].sort(([a], [b]) => a - b).map(([index, link]) => ({ index, link })),
    failed: [...failed]
      .sort(([a], [b]) => a - b)
      .map(([index, error]) => ({
        index,
        code: error.code,
        // An internal error's detail is not for the client (as for any procedure).
        message: error.code === "INTERNAL_SERVER_ERROR" ? "This link could not be created" : error.message,
        slugTaken: error.cause instanceof SlugTakenError,
      })),
  };
}
