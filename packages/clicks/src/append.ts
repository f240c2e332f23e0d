import { queueClickWebhooks } from "@hop/webhooks";
import type { Database } from "@hop/db";
import { redisKeys, type Redis } from "@hop/redis";
import { type ClickEvent, clickEventToStreamFields, clickStreamFieldOrder } from "./event";
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

/** The fields the redirect's script writes: all but the link id (from the cached entry) and the visitor hash (ingestion's). */
type DraftField = Exclude<(typeof clickStreamFieldOrder)[number], "linkId" | "visitorHash">;
/** The fields packed into one argument: all the draft's but occurredAt, which the script reads first (is the link expired?). */
type PackedField = Exclude<DraftField, "occurredAt">;
// One reader per field, the same values as clickStreamFieldValues (a test holds them equal): the redirect builds its
// arguments straight from the draft, with no copy of the draft and no object of fields per visit.
const packedFieldReaders: { readonly [K in PackedField]: (draft: ClickDraft) => string } = {
  eventId: (draft) => draft.eventId,
  referrer: (draft) => draft.referrer ?? "",
  userAgent: (draft) => draft.userAgent ?? "",
  country: (draft) => draft.country ?? "",
  ip: (draft) => draft.ip ?? "",
  trigger: (draft) => draft.trigger ?? "link",
};
const draftFields = clickStreamFieldOrder.filter((key): key is DraftField => key !== "linkId" && key !== "visitorHash");
const packedFields = draftFields.filter((key): key is PackedField => key !== "occurredAt");
const packedReaders = packedFields.map((key) => packedFieldReaders[key]);

/**
 * Between the packed fields. No field can hold it: HTTP header values cannot
 * carry NUL (Node's parser refuses them), addresses, ids and the trigger
 * never do, and it is removed from any value that does all the same, so the
 * script always finds as many fields as were packed.
 */
const separator = "\0";
const withoutSeparator = (value: string) => (value.includes(separator) ? value.replaceAll(separator, "") : value);

/**
 * The script's two arguments for a draft: its occurredAt (ms), then its other
 * stream fields (without the link id and the visitor hash) packed into one
 * string in clickStreamFieldOrder. One argument instead of six: each argument
 * costs the web a serialisation and Redis a bulk string to parse, and the
 * redirect sends one script per visit. clickStreamXaddLua unpacks them.
 */
export function clickDraftArgs(draft: ClickDraft): [occurredAt: string, packed: string] {
  let packed = withoutSeparator((packedReaders[0] as (draft: ClickDraft) => string)(draft));
  for (let i = 1; i < packedReaders.length; i++) packed += separator + withoutSeparator((packedReaders[i] as (draft: ClickDraft) => string)(draft));
  return [String(draft.occurredAt.getTime()), packed];
}

/**
 * A Lua XADD of one click onto `streamKey` (a Lua expression, e.g. KEYS[2]):
 * the link id from `linkIdExpression`, occurredAt from `occurredAtExpression`
 * and the other fields unpacked from `packedExpression` (clickDraftArgs'
 * arguments), in clickStreamFieldOrder, as clickEventToStreamFields writes
 * them (no visitor hash: the worker computes it). The stream's entries are
 * the same as ever: workers read them unchanged.
 */
export function clickStreamXaddLua(streamKey: string, linkIdExpression: string, occurredAtExpression: string, packedExpression: string): string {
  const last = packedFields.length;
  const unpack = [
    `local packed, fields, from = ${packedExpression}, {}, 1`,
    `for i = 1, ${last - 1} do local stop = string.find(packed, '\\0', from, true) fields[i] = string.sub(packed, from, stop - 1) from = stop + 1 end`,
    `fields[${last}] = string.sub(packed, from)`,
  ];
  const pairs = [
    `'linkId', ${linkIdExpression}`,
    ...draftFields.map((key) => `'${key}', ${key === "occurredAt" ? occurredAtExpression : `fields[${packedFields.indexOf(key) + 1}]`}`),
  ];
  return `${unpack.join("\n")}\nredis.call('XADD', ${streamKey}, '*', ${pairs.join(", ")})`;
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
