import type { Prisma } from "@hop/db";
import { holdLinkCache } from "@hop/links";
import { TRPCError } from "@trpc/server";
import type { TRPCContext } from "../../context";
import { fieldError } from "../../errors";
import type { LinkWithTags } from "./link-view";
import { readOwnLink } from "./own-link-query";

/** The caller's own live link, or NOT_FOUND (another user's link is as invisible as a missing one). */
export async function findOwnLink(ctx: Pick<TRPCContext, "db">, userId: string, id: string, options: { deleted?: boolean } = {}): Promise<LinkWithTags> {
  const link = await readOwnLink(ctx.db, userId, { id }, { deleted: options.deleted ?? false });
  if (!link) throw new TRPCError({ code: "NOT_FOUND", message: "That link does not exist or was deleted" });
  return link;
}

/** A target on Hop's own short domain would redirect to itself (or another short link): refused. */
export function refuseOwnHost(ctx: Pick<TRPCContext, "shortLinkBaseUrl" | "headers">, field: string, target: string | null | undefined): void {
  if (!target) return;
  const targetHost = new URL(target).host.toLowerCase();
  const ownHosts = new Set([new URL(ctx.shortLinkBaseUrl).host.toLowerCase()]);
  const requestHost = ctx.headers.get("host");
  if (requestHost) ownHosts.add(requestHost.toLowerCase());
  if (ownHosts.has(targetHost)) {
    throw fieldError(field, "This points at a Hop short link, which would loop; use the final destination instead");
  }
}

/** The user's tags of these names, created where missing; safe when concurrent writes create the same tag. */
export async function ensureTags(tx: Prisma.TransactionClient, userId: string, names: readonly string[]): Promise<{ id: string }[]> {
  if (names.length === 0) return [];
  await tx.tag.createMany({ data: names.map((name) => ({ userId, name })), skipDuplicates: true });
  return tx.tag.findMany({ where: { userId, name: { in: [...names] } }, select: { id: true } });
}

/**
 * Holds the cache entries of the slugs a write touches (see holdLinkCache),
 * or refuses the write with nothing changed while Redis cannot be reached.
 */
export async function holdSlugs(ctx: Pick<TRPCContext, "redis">, slugs: readonly string[]): Promise<string> {
  try {
    return await holdLinkCache(ctx.redis, slugs);
  } catch (error) {
    throw new TRPCError({
      code: "SERVICE_UNAVAILABLE",
      message: "Links cannot be changed right now (the link cache is unreachable). Nothing was changed; try again shortly.",
      cause: error,
    });
  }
}
