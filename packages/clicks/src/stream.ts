import { luaScript, redisKeys, runLuaScript, runRedisCommand, type Redis } from "@hop/redis";
import { clickEventFromStreamFields, type ClickEvent } from "./event";

/**
 * The clicks stream as one consumer group: the redirect appends
 * (`clickEventToStreamFields`), every worker reads as its own consumer of the
 * group, acknowledges a batch only after it is committed, and claims what a
 * dead consumer left pending. Only non-blocking commands (no BLOCK), so the
 * HTTP transport works as well as TCP.
 *
 * Read with a client made with `rawReplies: true`: stream fields are raw text
 * (a user agent may look like JSON); counts are read either way. The reads
 * (a script, see readGroupAsJson) and acknowledgements of the ingestion loop
 * go straight to the TCP executor (runLuaScript, runRedisCommand), past
 * @upstash/redis's REST emulation.
 */

/** One stream entry: a click event, or the reason it could not be read. */
export type ClickStreamEntry = { id: string; event: ClickEvent } | { id: string; event: null; error: string };

const stream = redisKeys.clickStream();
const group = redisKeys.clickStreamGroup();

/** Creates the consumer group (from the stream's start, creating the stream) unless it exists. */
export async function ensureClickConsumerGroup(redis: Redis): Promise<void> {
  try {
    await redis.exec(["XGROUP", "CREATE", stream, group, "0", "MKSTREAM"]);
  } catch (error) {
    if (!/BUSYGROUP/.test(String(error))) throw error;
  }
}

function fieldsOf(raw: unknown): Record<string, unknown> | null {
  if (!Array.isArray(raw)) return null;
  const fields: Record<string, unknown> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) fields[String(raw[i])] = raw[i + 1];
  return fields;
}

function parseEntries(raw: unknown): ClickStreamEntry[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((entry): ClickStreamEntry[] => {
    if (!Array.isArray(entry) || typeof entry[0] !== "string") return [];
    const id = entry[0];
    const fields = fieldsOf(entry[1]);
    if (!fields) return [{ id, event: null, error: "the entry has no fields (deleted)" }];
    try {
      return [{ id, event: clickEventFromStreamFields(fields) }];
    } catch (error) {
      return [{ id, event: null, error: error instanceof Error ? error.message.slice(0, 500) : String(error) }];
    }
  });
}

/**
 * XREADGROUP inside Redis, its entries answered as one JSON text: a batch of a thousand entries is some twenty thousand
 * bulk strings as a plain reply, and decoding those (a Buffer each, then a string each) cost the worker more CPU than
 * the rest of the read; Redis's own cjson writes the same entries as one string, which JSON.parse reads natively. The
 * entries are XREADGROUP's as they are ([id, [field, value, ...]], false for a deleted entry); cjson writes an empty
 * list as {} and no reply as false.
 */
const readGroupAsJson = luaScript(`local reply = redis.call('XREADGROUP', 'GROUP', ARGV[1], ARGV[2], 'COUNT', ARGV[3], 'STREAMS', KEYS[1], ARGV[4])
if not reply then return '[]' end
return cjson.encode(reply[1][2])`);

async function readGroup(redis: Redis, consumer: string, count: number, from: ">" | "0"): Promise<ClickStreamEntry[]> {
  const reply = await runLuaScript(redis, readGroupAsJson, [stream], [group, consumer, String(count), from]);
  // A client that deserializes replies itself (@upstash/redis's default) hands over the parsed list.
  const entries: unknown = typeof reply === "string" ? JSON.parse(reply) : reply;
  return Array.isArray(entries) ? parseEntries(entries) : [];
}

/** Entries never delivered to any consumer, at most `count`; none at once when there are none (no BLOCK). */
export function readNewClicks(redis: Redis, consumer: string, count: number): Promise<ClickStreamEntry[]> {
  return readGroup(redis, consumer, count, ">");
}

/** Entries delivered to this consumer and not acknowledged yet (its own pending list), at most `count`. */
export function readOwnPendingClicks(redis: Redis, consumer: string, count: number): Promise<ClickStreamEntry[]> {
  return readGroup(redis, consumer, count, "0");
}

/**
 * Takes over entries that have been pending (with any consumer) for at least
 * `minIdleMs`: those of a consumer that died before acknowledging. Scans the
 * pending list from `cursor`; the answer's `cursor` is "0-0" once the scan
 * went round.
 */
export async function claimStaleClicks(
  redis: Redis,
  consumer: string,
  minIdleMs: number,
  cursor: string,
  count: number,
): Promise<{ cursor: string; entries: ClickStreamEntry[] }> {
  const reply = await runRedisCommand(redis, ["XAUTOCLAIM", stream, group, consumer, minIdleMs, cursor, "COUNT", count]);
  if (!Array.isArray(reply)) return { cursor: "0-0", entries: [] };
  return { cursor: typeof reply[0] === "string" ? reply[0] : "0-0", entries: parseEntries(reply[1]) };
}

/** Acknowledges entries (after their batch committed): they leave the pending list and may be trimmed. */
export async function acknowledgeClicks(redis: Redis, ids: readonly string[]): Promise<number> {
  if (ids.length === 0) return 0;
  return Number(await runRedisCommand(redis, ["XACK", stream, group, ...ids]));
}

export interface ClickStreamLag {
  /** Delivered to a worker, not yet committed and acknowledged. */
  pending: number;
  /** In the stream, not yet delivered to any worker. */
  unread: number;
}

interface GroupInfo {
  pending: number;
  lag: number | null;
  lastDeliveredId: string;
}

async function readGroupInfo(redis: Redis): Promise<GroupInfo | null | "no-stream"> {
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

/** How far ingestion is behind: clicks pending with a worker and clicks not read yet. */
export async function readClickStreamLag(redis: Redis): Promise<ClickStreamLag> {
  const info = await readGroupInfo(redis);
  if (info === "no-stream") return { pending: 0, unread: 0 };
  // No group yet (no worker ever started), or a lag Redis cannot compute: every entry counts as unread (an upper bound).
  if (info === null) return { pending: 0, unread: Number(await redis.exec(["XLEN", stream])) };
  return { pending: info.pending, unread: info.lag ?? Math.max(0, Number(await redis.exec(["XLEN", stream])) - info.pending) };
}

function nextId(id: string): string {
  const [ms, seq] = id.split("-");
  return `${ms}-${BigInt(seq ?? "0") + 1n}`;
}

/**
 * Removes the entries every worker is done with: all before the oldest
 * pending entry (or, with none pending, up to the last delivered one).
 * Entries not yet delivered or not yet acknowledged are never removed.
 * Returns how many entries were removed.
 */
export async function trimAcknowledgedClicks(redis: Redis): Promise<number> {
  const info = await readGroupInfo(redis);
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
 * Forgets consumers (workers that are gone) with nothing pending and idle for
 * `minIdleMs`, so the group does not list every worker that ever ran. A live
 * consumer removed by mistake is re-created by its next read.
 */
export async function removeIdleClickConsumers(redis: Redis, minIdleMs: number): Promise<string[]> {
  let consumers: unknown;
  try {
    consumers = await redis.exec(["XINFO", "CONSUMERS", stream, group]);
  } catch (error) {
    if (/no such key|NOGROUP/i.test(String(error))) return [];
    throw error;
  }
  const removed: string[] = [];
  for (const raw of Array.isArray(consumers) ? consumers : []) {
    const info = fieldsOf(raw);
    if (!info || Number(info.pending) !== 0 || Number(info.idle) < minIdleMs) continue;
    const name = String(info.name);
    await redis.exec(["XGROUP", "DELCONSUMER", stream, group, name]);
    removed.push(name);
  }
  return removed;
}
