import { luaScript, redisKeys, runLuaScript, runRedisCommand, type Redis } from "@hop/redis";
import { clickEventFromStreamFields, type ClickEvent } from "./event";

/**
 * The clicks streams as one consumer group each: the redirect appends
 * (`clickEventToStreamFields`), every worker reads as its own consumer of the
 * groups, acknowledges a batch only after it is committed, and claims what a
 * dead consumer left pending. Only non-blocking commands (no BLOCK), so the
 * HTTP transport works as well as TCP.
 *
 * Two streams: the redirect appends to `clickStream` (packed entries); the
 * legacy stream holds what webs of the first entry shape appended, and is
 * drained after it (see redisKeys.legacyClickStream). Each entry read says
 * which stream it came from: it is acknowledged there.
 *
 * Read with a client made with `rawReplies: true`: stream fields are raw text
 * (a user agent may look like JSON); counts are read either way. The reads
 * (a script, see readGroupsAsJson) and acknowledgements of the ingestion loop
 * go straight to the TCP executor (runLuaScript, runRedisCommand), past
 * @upstash/redis's REST emulation.
 */

/** One stream entry: a click event, or the reason it could not be read; `stream` is the key it was read from. */
export type ClickStreamEntry = { stream: string; id: string; event: ClickEvent } | { stream: string; id: string; event: null; error: string };

/** The streams workers drain, in the order they are read. */
const streams = [redisKeys.clickStream(), redisKeys.legacyClickStream()] as const;
const group = redisKeys.clickStreamGroup();

/** Creates each stream's consumer group (from the stream's start, creating the stream) unless it exists. */
export async function ensureClickConsumerGroup(redis: Redis): Promise<void> {
  for (const stream of streams) {
    try {
      await redis.exec(["XGROUP", "CREATE", stream, group, "0", "MKSTREAM"]);
    } catch (error) {
      if (!/BUSYGROUP/.test(String(error))) throw error;
    }
  }
}

function fieldsOf(raw: unknown): Record<string, unknown> | null {
  if (!Array.isArray(raw)) return null;
  const fields: Record<string, unknown> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) fields[String(raw[i])] = raw[i + 1];
  return fields;
}

function parseEntries(stream: string, raw: unknown): ClickStreamEntry[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((entry): ClickStreamEntry[] => {
    if (!Array.isArray(entry) || typeof entry[0] !== "string") return [];
    const id = entry[0];
    const fields = fieldsOf(entry[1]);
    if (!fields) return [{ stream, id, event: null, error: "the entry has no fields (deleted)" }];
    try {
      return [{ stream, id, event: clickEventFromStreamFields(fields) }];
    } catch (error) {
      return [{ stream, id, event: null, error: error instanceof Error ? error.message.slice(0, 500) : String(error) }];
    }
  });
}

/**
 * XREADGROUP inside Redis over each stream in turn (KEYS), up to ARGV[3] entries in all, answered as one JSON text:
 * a batch of a thousand entries is thousands of bulk strings as a plain reply, and decoding those (a Buffer each, then
 * a string each) cost the worker more CPU than the rest of the read; Redis's own cjson writes the same entries as one
 * string, which JSON.parse reads natively. The answer holds one item per stream: XREADGROUP's entries as they are
 * ([id, [field, value, ...]], false for a deleted entry), or false where nothing was read (cjson writes an empty list
 * as {}).
 */
const readGroupsAsJson = luaScript(`local left, read = tonumber(ARGV[3]), {}
for i = 1, #KEYS do
  read[i] = false
  if left > 0 then
    local reply = redis.call('XREADGROUP', 'GROUP', ARGV[1], ARGV[2], 'COUNT', left, 'STREAMS', KEYS[i], ARGV[4])
    if reply then
      read[i] = reply[1][2]
      left = left - #read[i]
    end
  end
end
return cjson.encode(read)`);

async function readGroups(redis: Redis, consumer: string, count: number, from: ">" | "0"): Promise<ClickStreamEntry[]> {
  const reply = await runLuaScript(redis, readGroupsAsJson, streams, [group, consumer, String(count), from]);
  // A client that deserializes replies itself (@upstash/redis's default) hands over the parsed list.
  const perStream: unknown = typeof reply === "string" ? JSON.parse(reply) : reply;
  if (!Array.isArray(perStream)) return [];
  return streams.flatMap((stream, index) => parseEntries(stream, perStream[index]));
}

/** Entries never delivered to any consumer, at most `count`; none at once when there are none (no BLOCK). */
export function readNewClicks(redis: Redis, consumer: string, count: number): Promise<ClickStreamEntry[]> {
  return readGroups(redis, consumer, count, ">");
}

/** Entries delivered to this consumer and not acknowledged yet (its own pending lists), at most `count`. */
export function readOwnPendingClicks(redis: Redis, consumer: string, count: number): Promise<ClickStreamEntry[]> {
  return readGroups(redis, consumer, count, "0");
}

/** Where a scan of the pending lists goes on: the stream (its index in the reading order) and XAUTOCLAIM's cursor in it. */
export interface ClaimCursor {
  stream: number;
  from: string;
}

/** A scan's start, and what claimStaleClicks answers once the scan went round every stream. */
export const claimScanStart: ClaimCursor = { stream: 0, from: "0-0" };

export function isClaimScanStart(cursor: ClaimCursor): boolean {
  return cursor.stream === claimScanStart.stream && cursor.from === claimScanStart.from;
}

/**
 * Takes over entries that have been pending (with any consumer) for at least
 * `minIdleMs`: those of a consumer that died before acknowledging. Scans the
 * streams' pending lists from `cursor`, one stream after the other; the
 * answer's `cursor` is claimScanStart once the scan went round.
 */
export async function claimStaleClicks(
  redis: Redis,
  consumer: string,
  minIdleMs: number,
  cursor: ClaimCursor,
  count: number,
): Promise<{ cursor: ClaimCursor; entries: ClickStreamEntry[] }> {
  for (let index = cursor.stream, from = cursor.from; index < streams.length; index++, from = "0-0") {
    const stream = streams[index] as string;
    const reply = await runRedisCommand(redis, ["XAUTOCLAIM", stream, group, consumer, minIdleMs, from, "COUNT", count]);
    const next = Array.isArray(reply) && typeof reply[0] === "string" ? reply[0] : "0-0";
    const entries = Array.isArray(reply) ? parseEntries(stream, reply[1]) : [];
    if (next !== "0-0") return { cursor: { stream: index, from: next }, entries };
    if (entries.length > 0) return { cursor: index + 1 < streams.length ? { stream: index + 1, from: "0-0" } : claimScanStart, entries };
  }
  return { cursor: claimScanStart, entries: [] };
}

/** Acknowledges entries (after their batch committed), each on its own stream: they leave the pending lists and may be trimmed. */
export async function acknowledgeClicks(redis: Redis, entries: readonly Pick<ClickStreamEntry, "stream" | "id">[]): Promise<number> {
  let acknowledged = 0;
  for (const stream of streams) {
    const ids = entries.filter((entry) => entry.stream === stream).map((entry) => entry.id);
    if (ids.length > 0) acknowledged += Number(await runRedisCommand(redis, ["XACK", stream, group, ...ids]));
  }
  return acknowledged;
}

export interface ClickStreamLag {
  /** Delivered to a worker, not yet committed and acknowledged. */
  pending: number;
  /** In the streams, not yet delivered to any worker. */
  unread: number;
}

interface GroupInfo {
  pending: number;
  lag: number | null;
  lastDeliveredId: string;
}

async function readGroupInfo(redis: Redis, stream: string): Promise<GroupInfo | null | "no-stream"> {
  let groups: unknown;
  try {
    groups = await redis.exec(["XINFO", "GROUPS", stream]);
  } catch (error) {
    if (/no such key/i.test(String(error))) return "no-stream";
    throw error;
  }
  for (const raw of Array.isArray(groups) ? groups : []) {
    const info = fieldsOf(raw);
    if (!info || String(info.name) !== group) continue;
    const lag = info.lag;
    return {
      pending: Number(info.pending ?? 0),
      lag: lag === null || lag === undefined ? null : Number(lag),
      lastDeliveredId: String(info["last-delivered-id"] ?? "0-0"),
    };
  }
  return null;
}

async function readStreamLag(redis: Redis, stream: string): Promise<ClickStreamLag> {
  const info = await readGroupInfo(redis, stream);
  if (info === "no-stream") return { pending: 0, unread: 0 };
  // No group yet (no worker ever started), or a lag Redis cannot compute: every entry counts as unread (an upper bound).
  if (info === null) return { pending: 0, unread: Number(await redis.exec(["XLEN", stream])) };
  return { pending: info.pending, unread: info.lag ?? Math.max(0, Number(await redis.exec(["XLEN", stream])) - info.pending) };
}

/** How far ingestion is behind: clicks pending with a worker and clicks not read yet, over both streams. */
export async function readClickStreamLag(redis: Redis): Promise<ClickStreamLag> {
  const lags = await Promise.all(streams.map((stream) => readStreamLag(redis, stream)));
  return lags.reduce((sum, lag) => ({ pending: sum.pending + lag.pending, unread: sum.unread + lag.unread }), { pending: 0, unread: 0 });
}

function nextId(id: string): string {
  const [ms, seq] = id.split("-");
  return `${ms}-${BigInt(seq ?? "0") + 1n}`;
}

async function trimStream(redis: Redis, stream: string): Promise<number> {
  const info = await readGroupInfo(redis, stream);
  if (info === null || info === "no-stream") return 0;
  let threshold: string;
  if (info.pending > 0) {
    const summary = await redis.exec<unknown[]>(["XPENDING", stream, group]);
    if (typeof summary[1] !== "string") return 0;
    threshold = summary[1];
  } else {
    if (info.lastDeliveredId === "0-0") return 0;
    threshold = nextId(info.lastDeliveredId);
  }
  return Number(await redis.exec(["XTRIM", stream, "MINID", threshold]));
}

/**
 * Removes the entries every worker is done with, from each stream: all before
 * the oldest pending entry (or, with none pending, up to the last delivered
 * one). Entries not yet delivered or not yet acknowledged are never removed.
 * Returns how many entries were removed.
 */
export async function trimAcknowledgedClicks(redis: Redis): Promise<number> {
  let trimmed = 0;
  for (const stream of streams) trimmed += await trimStream(redis, stream);
  return trimmed;
}

/**
 * Forgets consumers (workers that are gone) with nothing pending and idle for
 * `minIdleMs`, in each stream's group, so the groups do not list every worker
 * that ever ran. A live consumer removed by mistake is re-created by its next
 * read. Returns the names removed from any group.
 */
export async function removeIdleClickConsumers(redis: Redis, minIdleMs: number): Promise<string[]> {
  const removed = new Set<string>();
  for (const stream of streams) {
    let consumers: unknown;
    try {
      consumers = await redis.exec(["XINFO", "CONSUMERS", stream, group]);
    } catch (error) {
      if (/no such key|NOGROUP/i.test(String(error))) continue;
      throw error;
    }
    for (const raw of Array.isArray(consumers) ? consumers : []) {
      const info = fieldsOf(raw);
      if (!info || Number(info.pending) !== 0 || Number(info.idle) < minIdleMs) continue;
      const name = String(info.name);
      await redis.exec(["XGROUP", "DELCONSUMER", stream, group, name]);
      removed.add(name);
    }
  }
  return [...removed];
}
