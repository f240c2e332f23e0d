import type { Database } from "@hop/db";
import { redisKeys, type Redis } from "@hop/redis";
import { type ClickEvent, clickEventToStreamFields, clickStreamFieldOrder, clickStreamFieldValues } from "./event";
import { ingestClickEvents } from "./ingest";

/**
 * Appending to the clicks stream: the one writer. The redirect appends in
 * the same round trip as its lookup (a Lua script in @hop/links, whose XADD
 * comes from clickStreamXaddLua here), or with appendClick / recordClick.
 */

/** A visit before the lookup knows which link it is for. */
export type ClickDraft = Omit<ClickEvent, "linkId">;

/**
 * The rule of which visits count as clicks, once the link is known: GET
 * visits (decided by the redirect) of a link with no password and not
 * expired. A locked link's visit counts after the unlock, as its own GET.
 * The Lua lookup applies the same rule through countedVisitLua.
 */
export function isCountedVisit(link: { passwordTag: string; expiresAt: number }, now: number): boolean {
  return link.passwordTag === "" && (link.expiresAt === 0 || link.expiresAt > now);
}

/** isCountedVisit in Lua, over a decoded cached link `link` and the visit time `now` (ms). */
export function countedVisitLua(link: string, now: string): string {
  return `(${link}.passwordTag == '' and (${link}.expiresAt == 0 or ${link}.expiresAt > ${now}))`;
}

/**
 * The stream fields of a draft in clickStreamFieldOrder, without the link id
 * (the script takes it from the cached link): the ARGV a script passes to
 * clickStreamXaddLua's XADD.
 */
const draftFieldOrder = clickStreamFieldOrder.filter((key) => key !== "linkId");
export function clickDraftArgs(draft: ClickDraft): string[] {
  const fields = clickStreamFieldValues({ ...draft, linkId: "" });
  return draftFieldOrder.map((key) => fields[key]);
}

/**
 * A Lua XADD of one click onto `streamKey` (a Lua expression, e.g. KEYS[2]),
 * its fields in clickStreamFieldOrder: the link id from `linkIdExpression`,
 * the others from ARGV[firstArg...] as clickDraftArgs lists them.
 */
export function clickStreamXaddLua(streamKey: string, linkIdExpression: string, firstArg: number): string {
  let arg = firstArg;
  const pairs = clickStreamFieldOrder.map((key) => `'${key}', ${key === "linkId" ? linkIdExpression : `ARGV[${arg++}]`}`);
  return `redis.call('XADD', ${streamKey}, '*', ${pairs.join(", ")})`;
}

/** Appends one click to the stream. */
export async function appendClick(redis: Redis, event: ClickEvent): Promise<void> {
  await redis.xadd(redisKeys.clickStream(), "*", clickEventToStreamFields(event));
}

/**
 * Records a click that the lookup did not already record: onto the clicks
 * stream, or, when Redis cannot take it, straight into PostgreSQL through
 * the same ingestion the worker runs (so it is counted once, not dropped).
 * Returns where it went.
 */
export async function recordClick(deps: { db: Database; redis: Redis }, event: ClickEvent, redisAvailable: boolean): Promise<"stream" | "database"> {
  if (redisAvailable) {
    try {
      await appendClick(deps.redis, event);
      return "stream";
    } catch {
      // Redis went away between the lookup and now: fall through to PostgreSQL.
    }
  }
  await ingestClickEvents(deps.db, [event]);
  return "database";
}
