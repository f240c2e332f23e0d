import { randomBytes } from "node:crypto";
import { redisKeys, type Redis } from "@hop/redis";
import type { SessionSummary } from "@hop/validators";
import { UAParser } from "ua-parser-js";

/** The server-side part of a session, a Redis hash that expires with the session. */
export interface SessionRecord {
  userId: string;
  createdAt: number;
  lastSeenAt: number;
  device: string;
}

// Last-seen is written at most this often, so most checks are a pure read.
const lastSeenResolutionMs = 60_000;

/**
 * One round trip per check: the record, the user's session epoch, and (when
 * last-seen is stale) the refresh. A session is valid only while its record
 * exists, names the cookie's user, and the epoch sealed into the cookie is the
 * user's current one. A cookie without an epoch (sealed before epochs existed)
 * is valid until the user's epoch first moves past 0. A missing epoch never
 * validates a cookie that carries one: if the key were lost, sessions fail
 * closed rather than outlive a password change.
 * KEYS: session record, user's epoch. ARGV: now, resolution, user id, cookie's epoch ('' when none).
 */
const readAndTouchScript = `
local fields = redis.call('HGETALL', KEYS[1])
if #fields == 0 then return false end
local current = redis.call('GET', KEYS[2])
if ARGV[4] == '' then
  if current and current ~= '0' then return false end
elseif current ~= ARGV[4] then
  return false
end
local owner, lastSeen = nil, nil
for i = 1, #fields, 2 do
  if fields[i] == 'userId' then owner = fields[i + 1] end
  if fields[i] == 'lastSeenAt' then lastSeen = i + 1 end
end
if owner ~= ARGV[3] then return false end
if lastSeen and tonumber(ARGV[1]) - tonumber(fields[lastSeen]) >= tonumber(ARGV[2]) then
  redis.call('HSET', KEYS[1], 'lastSeenAt', ARGV[1])
  fields[lastSeen] = ARGV[1]
end
return fields`;

/**
 * A new session, only if the user's epoch is still the one read before the
 * password was checked: a sign-in racing a password change cannot create a
 * session the change did not end. The epoch key lives at least as long as the
 * longest session sealed with it.
 * KEYS: session record, user's session index, user's epoch.
 * ARGV: expected epoch, ttl seconds, user id, created at, device, session id.
 */
const createScript = `
local current = redis.call('GET', KEYS[3])
if (current or '0') ~= ARGV[1] then return 0 end
if not current then redis.call('SET', KEYS[3], '0') end
if redis.call('TTL', KEYS[3]) < tonumber(ARGV[2]) then redis.call('EXPIRE', KEYS[3], ARGV[2]) end
redis.call('HSET', KEYS[1], 'userId', ARGV[3], 'createdAt', ARGV[4], 'lastSeenAt', ARGV[4], 'device', ARGV[5])
redis.call('EXPIRE', KEYS[1], ARGV[2])
redis.call('SADD', KEYS[2], ARGV[6])
redis.call('EXPIRE', KEYS[2], ARGV[2])
return 1`;

/**
 * Ends every session of a user sealed before now, in one atomic step: the
 * epoch moves on (every cookie sealed with the old one is refused from the
 * next request, on every instance) and the other sessions' records go (so
 * the account page no longer lists them). Returns the new epoch and how many
 * other sessions ended.
 * KEYS: user's epoch, user's session index. ARGV: ttl seconds, session id to keep ('' for none), session key prefix.
 */
const advanceEpochScript = `
local epoch = redis.call('INCR', KEYS[1])
if redis.call('TTL', KEYS[1]) < tonumber(ARGV[1]) then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
local ended = 0
for _, id in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  if id ~= ARGV[2] then
    ended = ended + redis.call('DEL', ARGV[3] .. id)
    redis.call('SREM', KEYS[2], id)
  end
end
return {epoch, ended}`;

// EVALSHA with a fall-back to EVAL (createScript), one Script per client and text.
const scripts = new WeakMap<Redis, Map<string, ReturnType<Redis["createScript"]>>>();
function script(redis: Redis, text: string) {
  let byText = scripts.get(redis);
  if (!byText) {
    byText = new Map();
    scripts.set(redis, byText);
  }
  let found = byText.get(text);
  if (!found) {
    found = redis.createScript(text);
    byText.set(text, found);
  }
  return found;
}

/**
 * "Firefox on Linux": enough to recognise a device in the list, nothing more.
 * A tablet is named so, because the account page picks the icon from this
 * text: an iPad's own user agent ("iPad; CPU OS 17_5 like Mac OS X") parses
 * as iOS, the phones' system, so it reads "on iPadOS"; an Android tablet
 * "on Android tablet". (An iPad in Safari's default desktop mode sends a
 * Mac's user agent, word for word: it reads "on Mac OS", a computer, as
 * nothing on the server can tell them apart.)
 */
export function describeDevice(userAgent: string | null): string {
  if (!userAgent) return "Unknown device";
  const parsed = new UAParser(userAgent).getResult();
  const browser = parsed.browser.name ?? "Unknown browser";
  const tablet = parsed.device.type === "tablet";
  const os = parsed.os.name === "iOS" && tablet ? "iPadOS" : parsed.os.name === "Android" && tablet ? "Android tablet" : parsed.os.name;
  return os ? `${browser} on ${os}` : browser;
}

/** The user's current session epoch (0 before the first password change): read before checking a password, passed to createSession. */
export async function readSessionEpoch(redis: Redis, userId: string): Promise<number> {
  const epoch = await redis.get<unknown>(redisKeys.sessionEpoch(userId));
  return epoch === null ? 0 : Number(epoch);
}

/**
 * A new session of the user's, sealed with `epoch`; null when the user's
 * epoch moved since it was read (a password change happened meanwhile), so
 * nothing was created.
 */
export async function createSession(
  redis: Redis,
  input: { userId: string; userAgent: string | null; ttlSeconds: number; epoch: number },
): Promise<{ sessionId: string; epoch: number; record: SessionRecord } | null> {
  const sessionId = randomBytes(18).toString("base64url");
  const now = Date.now();
  const record: SessionRecord = { userId: input.userId, createdAt: now, lastSeenAt: now, device: describeDevice(input.userAgent) };
  const created = await script(redis, createScript).exec(
    [redisKeys.session(sessionId), redisKeys.userSessions(input.userId), redisKeys.sessionEpoch(input.userId)],
    [String(input.epoch), String(input.ttlSeconds), input.userId, String(now), record.device, sessionId],
  );
  return Number(created) === 1 ? { sessionId, epoch: input.epoch, record } : null;
}

/**
 * The record of a live session (refreshing last-seen), or null when it
 * expired, was revoked, belongs to another user, or was sealed in an epoch
 * that has ended.
 */
export async function readSession(redis: Redis, cookie: { sessionId: string; userId: string; epoch: number | undefined }): Promise<SessionRecord | null> {
  const fields = await script(redis, readAndTouchScript).exec(
    [redisKeys.session(cookie.sessionId), redisKeys.sessionEpoch(cookie.userId)],
    [String(Date.now()), String(lastSeenResolutionMs), cookie.userId, cookie.epoch === undefined ? "" : String(cookie.epoch)],
  );
  if (!Array.isArray(fields)) return null;
  const map = new Map<string, unknown>();
  for (let i = 0; i + 1 < fields.length; i += 2) map.set(String(fields[i]), fields[i + 1]);
  const userId = map.get("userId");
  if (userId === undefined) return null;
  return {
    userId: String(userId),
    createdAt: Number(map.get("createdAt")),
    lastSeenAt: Number(map.get("lastSeenAt")),
    device: String(map.get("device") ?? ""),
  };
}

/**
 * Ends every session of the user's but `keepSessionId` at once (see
 * advanceEpochScript). The kept session must be sealed again with the
 * returned epoch, or it ends too.
 */
export async function advanceSessionEpoch(
  redis: Redis,
  input: { userId: string; keepSessionId: string | null; ttlSeconds: number },
): Promise<{ epoch: number; endedOtherSessions: number }> {
  const reply = await script(redis, advanceEpochScript).exec(
    [redisKeys.sessionEpoch(input.userId), redisKeys.userSessions(input.userId)],
    [String(input.ttlSeconds), input.keepSessionId ?? "", redisKeys.session("")],
  );
  if (!Array.isArray(reply) || reply.length !== 2) throw new Error(`unexpected reply from the session epoch script: ${JSON.stringify(reply)}`);
  return { epoch: Number(reply[0]), endedOtherSessions: Number(reply[1]) };
}

/** Every live session of a user, newest first; ids whose record expired are dropped from the index. */
export async function listSessions(redis: Redis, userId: string, currentSessionId: string): Promise<SessionSummary[]> {
  const index = redisKeys.userSessions(userId);
  const ids = (await redis.smembers(index)).map(String);
  if (ids.length === 0) return [];
  const pipeline = redis.pipeline();
  for (const id of ids) pipeline.hgetall(redisKeys.session(id));
  const records = (await pipeline.exec()) as Array<Record<string, unknown> | null>;
  const gone = ids.filter((_, i) => !records[i]);
  if (gone.length > 0) await redis.srem(index, ...gone);
  return ids
    .flatMap((id, i) => {
      const record = records[i];
      if (!record || String(record.userId) !== userId) return [];
      return [
        {
          id,
          createdAt: new Date(Number(record.createdAt)).toISOString(),
          lastSeenAt: new Date(Number(record.lastSeenAt)).toISOString(),
          device: String(record.device ?? ""),
          current: id === currentSessionId,
        },
      ];
    })
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

/** Ends one session of the user's; a session id of someone else's is left alone. Returns whether it existed. */
export async function revokeSession(redis: Redis, userId: string, sessionId: string): Promise<boolean> {
  const owner = await redis.hget<unknown>(redisKeys.session(sessionId), "userId");
  if (owner === null || String(owner) !== userId) return false;
  await redis.multi().del(redisKeys.session(sessionId)).srem(redisKeys.userSessions(userId), sessionId).exec();
  return true;
}

/** Ends every session of the user but `keepSessionId`; returns how many ended. */
export async function revokeOtherSessions(redis: Redis, userId: string, keepSessionId: string | null): Promise<number> {
  const ids = (await redis.smembers(redisKeys.userSessions(userId))).map(String).filter((id) => id !== keepSessionId);
  if (ids.length === 0) return 0;
  const removed = await redis.del(...ids.map((id) => redisKeys.session(id)));
  await redis.srem(redisKeys.userSessions(userId), ...ids);
  return removed;
}
