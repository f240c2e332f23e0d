import { hashPassword } from "@hop/auth";
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { LinkModel as Link, Prisma } from "@hop/db";
import { enqueueJobs, linkMetadataJobKey } from "@hop/jobs";
import { generateSlug, publishLinkCache, redirectStatusCode, redirectStatusFromCode, toCachedLink, utmToColumns } from "@hop/links";
import type { createLinkInput } from "@hop/validators";
import { emitWebhookEvents } from "@hop/webhooks";
import { TRPCError } from "@trpc/server";
import type { z } from "zod";
import { enforceRateLimit, slugTaken } from "../../errors";
import type { ProtectedContext } from "../../trpc";
import { type LinkView, type LinkWithTags, toLinkView } from "./link-view";
import { holdSlugs, refuseOwnHost } from "./shared";

type LinkInput = z.output<typeof createLinkInput>;

// Link ids in the shape of Prisma's @default(cuid()) (cuid v1: "c", time, counter, host, random, in base 36), which
// the SQL insert below cannot call: ids keep sorting by creation, as the lists' tie-breaks and cursors expect.
let idCounter = 0;
const idFingerprint = (
  process.pid.toString(36).slice(-2) +
  [...hostname()]
    .reduce((sum, char) => sum + char.charCodeAt(0), 41)
    .toString(36)
    .slice(-2)
).padStart(4, "0");
function newLinkId(): string {
  idCounter = (idCounter + 1) % 36 ** 4;
  const random = BigInt(`0x${randomBytes(6).toString("hex")}`)
    .toString(36)
    .padStart(8, "0")
    .slice(-8);
  return `c${Date.now().toString(36).padStart(8, "0")}${idCounter.toString(36).padStart(4, "0")}${idFingerprint}${random}`;
}

/** graphile-worker priority of the metadata fetches of imported links: after every job of default priority (0). */
const importMetadataPriority = 10;

// A generated slug collides about once in billions; a few rounds make a failure practically impossible.
const generatedSlugAttempts = 5;

/** What became of each link of a call, by its index in the call. */
export interface CreatedLinks {
  created: Map<number, LinkView>;
  failed: Map<number, TRPCError>;
}

interface Pending {
  index: number;
  input: LinkInput;
  passwordHash: string | null;
  customSlug: string | null;
  createdAt: Date | null;
  slug: string;
}

function asTRPCError(error: unknown): TRPCError {
  return error instanceof TRPCError ? error : new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: "This link could not be created", cause: error });
}

/**
 * Creates links as `links.create` and `links.createMany` do: one code path for
 * one link or a hundred. Per link: the own-host rule, the rate limit (not for
 * an import's rows: its one job paces them), the password hash. Per batch:
 * one hold of the slugs in Redis, one transaction (tags upserted once, the
 * links inserted with ON CONFLICT DO NOTHING so a slug taken meanwhile refuses
 * only its own link, their tags, their import records, their metadata jobs
 * and webhook deliveries), then the cache entries. A taken custom slug fails
 * its link; a taken generated one is drawn again. One link's refusal never
 * undoes the others.
 */
export async function createLinks(ctx: ProtectedContext, inputs: readonly LinkInput[]): Promise<CreatedLinks> {
  const userId = ctx.session.userId;
  const importRows = ctx.importRows;
  const result: CreatedLinks = { created: new Map(), failed: new Map() };
  let round: Pending[] = [];
  for (const [index, input] of inputs.entries()) {
    try {
      refuseOwnHost(ctx, "url", input.url);
      refuseOwnHost(ctx, "expiredUrl", input.expiredUrl);
      if (!importRows) await enforceRateLimit(ctx, "linkCreatePerUser", userId);
      const passwordHash = input.password ? await hashPassword(input.password) : null;
      round.push({ index, input, passwordHash, customSlug: input.slug || null, createdAt: importRows?.rows[index]?.createdAt ?? null, slug: "" });
    } catch (error) {
      result.failed.set(index, asTRPCError(error));
    }
  }

  const claimed = new Set<string>();
  for (let attempt = 1; round.length > 0; attempt++) {
    // Each link's slug for this round; a slug twice in the call is the first link's.
    const toInsert: Pending[] = [];
    const retry: Pending[] = [];
    const noFreeSlug = () => asTRPCError(new Error("no free slug after several attempts"));
    for (const pending of round) {
      pending.slug = pending.customSlug ?? generateSlug();
      if (!claimed.has(pending.slug)) {
        claimed.add(pending.slug);
        toInsert.push(pending);
      } else if (pending.customSlug) result.failed.set(pending.index, slugTaken(pending.customSlug));
      else if (attempt < generatedSlugAttempts) retry.push(pending);
      else result.failed.set(pending.index, noFreeSlug());
    }
    if (toInsert.length > 0) {
      const outcome = await insertBatch(ctx, userId, toInsert);
      if (outcome instanceof TRPCError) {
        for (const pending of toInsert) result.failed.set(pending.index, outcome);
      } else {
        for (const pending of toInsert) {
          const link = outcome.get(pending.slug);
          if (link) result.created.set(pending.index, link);
          else if (pending.customSlug) result.failed.set(pending.index, slugTaken(pending.customSlug));
          else if (attempt < generatedSlugAttempts) retry.push(pending);
          else result.failed.set(pending.index, noFreeSlug());
        }
      }
    }
    round = retry;
  }
  return result;
}

/** One round's links in one transaction: the links created, by slug (a slug missing was another link's), or the error that refused them all. */
async function insertBatch(ctx: ProtectedContext, userId: string, batch: readonly Pending[]): Promise<Map<string, LinkView> | TRPCError> {
  let hold: string;
  try {
    // Replaces "missing" markers visitors may have left for these slugs, and keeps refills off until the links exist.
    hold = await holdSlugs(
      ctx,
      batch.map((pending) => pending.slug),
    );
  } catch (error) {
    return asTRPCError(error);
  }
  const importRows = ctx.importRows;
  try {
    const links = await ctx.db.$transaction(async (tx) => {
      const tags = await ensureTagsByName(tx, userId, [...new Set(batch.flatMap((pending) => pending.input.tags ?? []))]);
      const now = new Date();
      const rows = batch.map(
        ({ input, slug, passwordHash, createdAt }): Link => ({
          id: newLinkId(),
          slug,
          url: input.url,
          userId,
          title: input.title || null,
          pageTitle: null,
          description: null,
          imageUrl: null,
          metadataStatus: "PENDING",
          metadataError: null,
          expiresAt: input.expiresAt ?? null,
          expiredAt: null,
          expiredUrl: input.expiredUrl ?? null,
          passwordHash,
          redirectStatus: redirectStatusFromCode(input.redirectStatus ?? 302),
          ...utmToColumns(input.utm ?? {}),
          totalClicks: 0n,
          createdAt: createdAt ?? now,
          updatedAt: now,
          deletedAt: null,
        }),
      );
      // A slug taken by another link (committed, or committing now) skips its own row only.
      const insertedIds = new Set(await insertLinkRows(tx, rows));
      const bySlug = new Map(batch.map((pending) => [pending.slug, pending]));
      const created = rows.flatMap((link) => {
        const pending = bySlug.get(link.slug);
        if (!pending || !insertedIds.has(link.id)) return [];
        const linkTags = [...new Set(pending.input.tags ?? [])].flatMap((name) => {
          const tag = tags.get(name);
          return tag ? [tag] : [];
        });
        const withTags: LinkWithTags = { ...link, tags: linkTags.map((tag) => ({ tag: { id: tag.id, name: tag.name, color: tag.color } })) };
        return [{ pending, link: withTags, tagIds: linkTags.map((tag) => tag.id) }];
      });
      const linkTags = created.flatMap(({ link, tagIds }) => tagIds.map((tagId) => ({ linkId: link.id, tagId })));
      if (linkTags.length > 0) {
        await tx.$executeRaw`
          INSERT INTO "LinkTag" ("linkId", "tagId")
          SELECT * FROM unnest(${linkTags.map((row) => row.linkId)}::text[], ${linkTags.map((row) => row.tagId)}::text[])`;
      }
      // An imported row is marked done with its link: both or neither, so no row is created twice (a second run's insert of the same row fails the batch).
      if (importRows && created.length > 0) {
        const records = created.map(({ pending, link }) => ({ rowIndex: importRows.rows[pending.index]?.rowIndex ?? -1, linkId: link.id }));
        await tx.$executeRaw`
          INSERT INTO "ImportRow" ("importId", "rowIndex", "linkId")
          SELECT ${importRows.importId}, * FROM unnest(${records.map((record) => record.rowIndex)}::int[], ${records.map((record) => record.linkId)}::text[])`;
      }
      // In the same transaction: a link's metadata fetch and webhook deliveries exist if and only if the link does.
      await enqueueJobs(
        tx,
        "link.fetchMetadata",
        created.map(({ link }) => ({ payload: { linkId: link.id, url: link.url }, jobKey: linkMetadataJobKey(link.id) })),
        // An import's thousands of fetches wait behind interactive ones and behind the import's own job (lower runs first).
        { priority: importRows ? importMetadataPriority : 0 },
      );
      const views = created.map(({ link }) => toLinkView(link, ctx.shortLinkBaseUrl));
      await emitWebhookEvents(tx, userId, "link.created", views);
      return created.map(({ link }, position) => ({ link, view: views[position] as LinkView }));
    });
    const createdSlugs = new Set(links.map(({ link }) => link.slug));
    // The slugs that were another link's: their holds dropped without an entry.
    await publishLinkCache(ctx.redis, hold, [
      ...links.map(({ link }) => [link.slug, toCachedLink(link)] as const),
      ...batch.filter((pending) => !createdSlugs.has(pending.slug)).map((pending) => [pending.slug, "release"] as const),
    ]);
    return new Map(links.map(({ link, view }) => [link.slug, view]));
  } catch (error) {
    await publishLinkCache(
      ctx.redis,
      hold,
      batch.map((pending) => [pending.slug, "release"] as const),
    );
    return asTRPCError(error);
  }
}

/**
 * Inserts the links in one statement and returns the ids of those inserted
 * (a slug already taken skips its row: ON CONFLICT DO NOTHING). In SQL rather
 * than Prisma's createManyAndReturn, which spends about 0.35 ms of CPU per row
 * building and reading its query (measured: 33-37 ms per 100 links, more than
 * the rest of a batch together); the rows are Prisma's own `Link` type.
 */
async function insertLinkRows(tx: Prisma.TransactionClient, rows: readonly Link[]): Promise<string[]> {
  const column = <Key extends keyof Link>(key: Key) => rows.map((row) => row[key]);
  const time = (key: "createdAt" | "updatedAt" | "expiresAt") => rows.map((row) => row[key]?.toISOString() ?? null);
  // TIMESTAMP(3) columns hold UTC (as Prisma writes them): an ISO string's "Z" is read as UTC wall time.
  const inserted = await tx.$queryRaw<{ id: string }[]>`
    INSERT INTO "Link" ("id", "slug", "url", "userId", "title", "expiresAt", "expiredUrl", "passwordHash", "redirectStatus",
      "utmSource", "utmMedium", "utmCampaign", "utmTerm", "utmContent", "createdAt", "updatedAt")
    SELECT * FROM unnest(
      ${column("id")}::text[], ${column("slug")}::text[], ${column("url")}::text[], ${column("userId")}::text[], ${column("title")}::text[],
      ${time("expiresAt")}::timestamp(3)[], ${column("expiredUrl")}::text[], ${column("passwordHash")}::text[],
      ${rows.map((row) => String(redirectStatusCode(row.redirectStatus)))}::"RedirectStatus"[],
      ${column("utmSource")}::text[], ${column("utmMedium")}::text[], ${column("utmCampaign")}::text[], ${column("utmTerm")}::text[],
      ${column("utmContent")}::text[], ${time("createdAt")}::timestamp(3)[], ${time("updatedAt")}::timestamp(3)[]
    )
    ON CONFLICT DO NOTHING
    RETURNING "id"`;
  return inserted.map((row) => row.id);
}

/** The user's tags of these names, created where missing (safe when concurrent writes create the same tag), by name. */
async function ensureTagsByName(
  tx: Prisma.TransactionClient,
  userId: string,
  names: readonly string[],
): Promise<Map<string, { id: string; name: string; color: string }>> {
  if (names.length === 0) return new Map();
  await tx.tag.createMany({ data: names.map((name) => ({ userId, name })), skipDuplicates: true });
  const tags = await tx.tag.findMany({ where: { userId, name: { in: [...names] } }, select: { id: true, name: true, color: true } });
  return new Map(tags.map((tag) => [tag.name, tag]));
}
