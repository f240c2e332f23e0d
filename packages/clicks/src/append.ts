import { queueClickWebhooks } from "@hop/webhooks";
import type { Database } from "@hop/db";
import { redisKeys, type Redis } from "@hop/redis";
import { type ClickEvent, clickEventToStreamFields, packClickFields, packedClickFields, type PackedClickField } from "./event";
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

/** isCountedVisit in Lua, over Lua expressions for a cached link's password tag and expiry (ms) and the visit time (ms). */
export function countedVisitLua(passwordTag: string, expiresAt: string, now: string): string {
  return `(${passwordTag} == '' and (${expiresAt} == 0 or ${expiresAt} > ${now}))`;
}

// One reader per packed field, the same values as clickStreamFieldValues (a test holds them equal): the redirect builds
// its arguments straight from the draft, with no copy of the draft and no object of fields per visit.
const packedFieldReaders: { readonly [K in PackedClickField]: (draft: ClickDraft) => string } = {
  eventId: (draft) => draft.eventId,
  referrer: (draft) => draft.referrer ?? "",
  userAgent: (draft) => draft.userAgent ?? "",
  country: (draft) => draft.country ?? "",
  ip: (draft) => draft.ip ?? "",
  trigger: (draft) => draft.trigger ?? "link",
};
const packedReaders = packedClickFields.map((field) => packedFieldReaders[field]);

/**
 * The script's two arguments for a draft: its occurredAt (ms), then its packed
 * field (packClickFields: every field but the link id, which the script
 * takes from the cached link, and the visitor hash, which ingestion computes). Two
 * arguments, not seven: each costs the web a serialisation and Redis a bulk
 * string to parse, and the redirect sends one script per visit.
 */
export function clickDraftArgs(draft: ClickDraft): [occurredAt: string, packed: string] {
  return [String(draft.occurredAt.getTime()), packClickFields(draft, packedReaders)];
}

/**
 * A Lua XADD of one click onto `streamKey` (a Lua expression, e.g. KEYS[2]) as
 * clickEventToStreamFields writes it: the link id from `linkIdExpression`,
 * occurredAt from `occurredAtExpression` and the packed field from
 * `packedExpression` (clickDraftArgs' arguments), passed through as they are.
 */
export function clickStreamXaddLua(streamKey: string, linkIdExpression: string, occurredAtExpression: string, packedExpression: string): string {
  return `redis.call('XADD', ${streamKey}, '*', 'linkId', ${linkIdExpression}, 'occurredAt', ${occurredAtExpression}, 'packed', ${packedExpression})`;
}

/** Appends one click to the stream. */
export async function appendClick(redis: Redis, event: ClickEvent): Promise<void> {
  await redis.xadd(redisKeys.clickStream(), "*", clickEventToStreamFields(event));
}

/**
 * Records a click that the lookup did not already record: onto the clicks
 * stream, or, when Redis cannot take it, straight into PostgreSQL through
 * the same ingestion the worker runs (so it is counted once, not dropped),
 * followed, as the worker's ingestion is, by the link.clicked webhooks of its
 * link's owner. Returns where it went.
 */
export async function recordClick(
  deps: { db: Database; redis: Redis; visitorHashSecret: string },
  event: ClickEvent,
  redisAvailable: boolean,
): Promise<"stream" | "database"> {
  if (redisAvailable) {
    try {
      await appendClick(deps.redis, event);
      return "stream";
    } catch {
      // Redis went away between the lookup and now: fall through to PostgreSQL.
    }
  }
  await ingestClickEvents(deps.db, [event], { visitorHashSecret: deps.visitorHashSecret });
  // Keyed by the event id: a click recorded twice (a retried request) is still sent once.
  await queueClickWebhooks(deps.db, [event.eventId]);
  return "database";
}
