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

// One round trip: read the record and, when last-seen is stale, refresh it.
const readAndTouchScript = `
local fields = redis.call('HGETALL', KEYS[1])
if #fields == 0 then return false end
for i = 1, #fields, 2 do
  if fields[i] == 'lastSeenAt' and tonumber(ARGV[1]) - tonumber(fields[i + 1]) >= tonumber(ARGV[2]) then
    redis.call('HSET', KEYS[1], 'lastSeenAt', ARGV[1])
    fields[i + 1] = ARGV[1]
  end
end
return fields`;

// EVALSHA with a fall-back to EVAL (createScript), one Script per client.
const readAndTouchScripts = new WeakMap<Redis, ReturnType<Redis["createScript"]>>();
function readAndTouch(redis: Redis) {
  let script = readAndTouchScripts.get(redis);
  if (!script) {
    script = redis.createScript(readAndTouchScript);
    readAndTouchScripts.set(redis, script);
  }
  return script;
}

/** "Firefox on Linux": enough to recognise a device in the list, nothing more. */
export function describeDevice(userAgent: string | null): string {
  if (!userAgent) return "Unknown device";
  const parsed = new UAParser(userAgent).getResult();
  const browser = parsed.browser.name ?? "Unknown browser";
  return parsed.os.name ? `${browser} on ${parsed.os.name}` : browser;
}

export async function createSession(redis: Redis, input: { userId: string; userAgent: string | null; ttlSeconds: number }): Promise<{ sessionId: string; record: SessionRecord }> {
  const sessionId = randomBytes(18).toString("base64url");
  const now = Date.now();
  const record: SessionRecord = { userId: input.userId, createdAt: now, lastSeenAt: now, device: describeDevice(input.userAgent) };
  const key = redisKeys.session(sessionId);
  const index = redisKeys.userSessions(input.userId);
  await redis
    .multi()
    .hset(key, { ...record })
    .expire(key, input.ttlSeconds)
    .sadd(index, sessionId)
    .expire(index, input.ttlSeconds)
    .exec();
  return { sessionId, record };
}

/** The record of a live session (refreshing last-seen), or null when it expired or was revoked. */
export async function readSession(redis: Redis, sessionId: string): Promise<SessionRecord | null> {
  const fields = await readAndTouch(redis).exec([redisKeys.session(sessionId)], [String(Date.now()), String(lastSeenResolutionMs)]);
  if (!Array.isArray(fields)) return null;
  const map = new Map<string, unknown>();
  for (let i = 0; i + 1 < fields.length; i += 2) map.set(String(fields[i]), fields[i + 1]);
  const userId = map.get("userId");
  if (userId === undefined) return null;
  return { userId: String(userId), createdAt: Number(map.get("createdAt")), lastSeenAt: Number(map.get("lastSeenAt")), device: String(map.get("device") ?? "") };
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
      return [{
        id,
        createdAt: new Date(Number(record.createdAt)).toISOString(),
        lastSeenAt: new Date(Number(record.lastSeenAt)).toISOString(),
        device: String(record.device ?? ""),
        current: id === currentSessionId,
      }];
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
