import { clickDraftArgs, clickStreamXaddLua, countedVisitLua, type ClickDraft } from "@hop/clicks";
import type { Database, Prisma } from "@hop/db";
import { luaScript, redisKeys, runLuaScript, type Redis } from "@hop/redis";
import { asCachedLink, fillLinkCache, isOpenLink, missingLinkMarker, toCachedLink, writeHoldPrefix, type CachedLink } from "./cache";

export type { ClickDraft };

export interface LinkLookup {
  link: CachedLink | null;
  /** The click was appended to the stream in the same round trip as the lookup. */
  clickRecorded: boolean;
  /** Redis answered; when false the lookup came from PostgreSQL and clicks must go there too. */
  redisAvailable: boolean;
}

// One round trip for the common case: read the cached link and, when the
// visit counts as a click (@hop/clicks' rule: no password, not expired),
// append the event to the clicks stream. The XADD (field names and order)
// comes from @hop/clicks, with the link id taken from the cached entry.
// The three fields the rule needs are read with string.match where the entry starts with them (toCachedLink writes
// them first, plain: a cuid, a base64url tag, whole ms), else with cjson.decode (an entry of another key order, or an
// id or tag that would need JSON escapes): cjson costs Redis about 0.9 µs a visit, the match a fraction of it. The
// match comes first (the markers cannot match it) and the fields stay locals, no table: 3.5 -> 3.1 µs of Redis a visit.
// Named once, at load, by its SHA1: every visit sends EVALSHA straight away (over TCP with no @upstash/redis
// Command, see runLuaScript), and the text only when Redis answers NOSCRIPT.
const lookUpAndRecordScript = luaScript(`
local cached = redis.call('GET', KEYS[1])
if not cached then return cached end
local id, tag, expires = string.match(cached, '^{"id":"([^"\\\\]*)","passwordTag":"([^"\\\\]*)","expiresAt":(%d+),')
if id then expires = tonumber(expires)
elseif cached == '${missingLinkMarker}' or string.sub(cached, 1, ${writeHoldPrefix.length}) == '${writeHoldPrefix}' then return cached
else
  local link = cjson.decode(cached)
  id, tag, expires = link.id, link.passwordTag, link.expiresAt
end
local now = tonumber(ARGV[1]) -- occurredAt, the first of clickDraftArgs
if ${countedVisitLua("tag", "expires", "now")} then
  ${clickStreamXaddLua("KEYS[2]", "id", "ARGV[1]", "ARGV[2]")}
end
return cached`);

/** The SHA1 under which Redis holds the redirect's script once an instance has run or warmed it up. */
export const linkLookupScriptSha = lookUpAndRecordScript.sha;

function parseCached(value: unknown): CachedLink | null | undefined {
  if (value === null || value === undefined) return undefined;
  if (value === missingLinkMarker) return null;
  // A write is in flight for this slug: PostgreSQL answers, and the refill loses to the write's own entry.
  if (typeof value === "string" && value.startsWith(writeHoldPrefix)) return undefined;
  // An entry of an older shape is a miss: PostgreSQL answers and the fill replaces it.
  return asCachedLink(typeof value === "string" ? JSON.parse(value) : value);
}

/**
 * The row a slug serves from PostgreSQL: its link, unless the owner's account
 * is scheduled for deletion (its links stop for the grace period; the account's
 * scheduling and cancelling correct the cache). (Soft-deleted rows are found and
 * answered "no such link" by toCachedLink.)
 */
export function servedLinkWhere(slug: string) {
  return { slug, user: { is: { deletionScheduledFor: null } } } satisfies Prisma.LinkWhereInput;
}

/**
 * Finds the live link of a slug: the shared cache first, PostgreSQL on a
 * miss (then refills the cache), PostgreSQL alone when Redis is down. With a
 * click, an open link's visit is recorded in the same round trip.
 */
export async function lookUpLink(deps: { db: Database; redis: Redis }, slug: string, click: ClickDraft | null): Promise<LinkLookup> {
  let cached: CachedLink | null | undefined;
  let redisAvailable = true;
  try {
    if (click) {
      const args = clickDraftArgs(click);
      cached = parseCached(await runLuaScript(deps.redis, lookUpAndRecordScript, [redisKeys.link(slug), redisKeys.clickStream()], args));
    } else {
      cached = parseCached(await deps.redis.get(redisKeys.link(slug)));
    }
  } catch {
    redisAvailable = false;
  }
  if (cached !== undefined) {
    return { link: cached, clickRecorded: click !== null && cached !== null && isOpenLink(cached, click.occurredAt.getTime()), redisAvailable };
  }
  const row = await deps.db.link.findFirst({ where: servedLinkWhere(slug) });
  const link = toCachedLink(row);
  if (redisAvailable) await fillLinkCache(deps.redis, slug, link).catch(() => undefined);
  return { link, clickRecorded: false, redisAvailable };
}

/**
 * Runs both of the lookup's paths once, for a slug no link can have (none is empty), so that a new process's first
 * visits do not pay for what the first use of each loads: Prisma's query compiler (a WebAssembly module and the code
 * around it, imported on the first query: ~400 ms of a visit on a 2-core machine, with every visit that arrives meanwhile
 * queued behind it) and the script in Redis (the first EVALSHA finds it missing). Records nothing and caches
 * nothing; rejects as the first failing part does (the caller goes on: visits then pay it themselves).
 */
export async function warmUpLinkLookup(deps: { db: Database; redis: Redis }): Promise<void> {
  const noSlug = "";
  await Promise.all([
    runLuaScript(deps.redis, lookUpAndRecordScript, [redisKeys.link(noSlug), redisKeys.clickStream()], ["0", ""]),
    deps.db.link.findFirst({ where: servedLinkWhere(noSlug) }),
  ]);
}
