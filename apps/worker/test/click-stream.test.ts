import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  acknowledgeClicks,
  claimScanStart,
  claimStaleClicks,
  clickEventToStreamFields,
  clickStreamFieldValues,
  ensureClickConsumerGroup,
  readClickStreamLag,
  readNewClicks,
  readOwnPendingClicks,
  removeIdleClickConsumers,
  trimAcknowledgedClicks,
  type ClickEvent,
} from "@hop/clicks";
import { createRedisClient, redisKeys, type RedisClient } from "@hop/redis";
import { freePort, startRedisServer, waitForPort, type RedisServer } from "@hop/test-harness";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

// The clicks stream's consumer-group commands through @upstash/redis, over
// both of Hop's transports (TCP requester, and HTTP through the gateway's
// build artefact) against a real Redis: the reply shapes the worker relies on.
const gatewayEntry = fileURLToPath(new URL("../../redis-http/dist/main.js", import.meta.url));
const token = "click-stream-test-token-0123456789";
let redisServer: RedisServer;
let gateway: ChildProcess;
const clients: Record<"tcp" | "http", RedisClient> = {} as Record<"tcp" | "http", RedisClient>;

beforeAll(async () => {
  if (!existsSync(gatewayEntry)) throw new Error(`${gatewayEntry} is missing: run \`pnpm build\` (pnpm test does) first`);
  redisServer = await startRedisServer();
  const port = await freePort();
  gateway = spawn(process.execPath, [gatewayEntry], {
    // NODE_ENV: the worker now sees @hop/api, whose type graph includes Next's ProcessEnv (NODE_ENV required).
    env: {
      PATH: process.env.PATH ?? "",
      NODE_ENV: "production",
      LOG_LEVEL: "warn",
      REDIS_URL: redisServer.url,
      REDIS_HTTP_TOKEN: token,
      PORT: String(port),
      HOST: "127.0.0.1",
    },
    stdio: "ignore",
  });
  await waitForPort(port, 10_000);
  clients.tcp = createRedisClient({ REDIS_URL: redisServer.url }, { rawReplies: true });
  clients.http = createRedisClient({ UPSTASH_REDIS_REST_URL: `http://127.0.0.1:${port}`, UPSTASH_REDIS_REST_TOKEN: token }, { rawReplies: true });
});
afterAll(async () => {
  await clients.tcp?.close();
  gateway?.kill("SIGKILL");
  await redisServer.dispose();
});
beforeEach(async () => {
  await clients.tcp.redis.del(redisKeys.clickStream(), redisKeys.legacyClickStream());
});

const event = (i: number, overrides: Partial<ClickEvent> = {}): ClickEvent => ({
  eventId: `e${i}`,
  linkId: "link-1",
  occurredAt: new Date(Date.UTC(2026, 10, 24, 10, 0, i)),
  referrer: "https://news.example/a?b=1",
  userAgent: "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0",
  country: "NL",
  visitorHash: "AbC-123_xyz",
  ip: "::ffff:192.0.2.44",
  trigger: "link",
  ...overrides,
});

describe.each(["tcp", "http"] as const)("the clicks stream over %s", (transport) => {
  it("reads, retries, takes over, acknowledges, measures lag and trims with the shapes the worker expects", async () => {
    const redis = clients[transport].redis;
    expect(await readClickStreamLag(redis)).toEqual({ pending: 0, unread: 0 });
    // Raw text that looks like JSON, numbers or null comes back as sent.
    const odd = [
      event(0, { userAgent: '{"a":1}', referrer: "null" }),
      event(1, { userAgent: "12345", visitorHash: "007" }),
      event(2, { userAgent: '"quoted"' }),
    ];
    // The read goes through JSON (Redis's cjson, then JSON.parse): escapes, slashes, control characters and
    // non-ASCII text come back unchanged too.
    const escaped = event(5, { userAgent: 'Mozilla/5.0 \\ "x" \t\u0001 /é 漢字 😀', referrer: 'https://例え.jp/パス?q="1"' });
    for (const e of [...odd, event(3), event(4), escaped]) await redis.xadd(redisKeys.clickStream(), "*", clickEventToStreamFields(e));
    expect(await readClickStreamLag(redis)).toEqual({ pending: 0, unread: 6 });
    await ensureClickConsumerGroup(redis);
    await ensureClickConsumerGroup(redis); // idempotent

    const first = await readNewClicks(redis, "worker-a", 3);
    expect(first.map((entry) => entry.event)).toEqual(odd);
    expect(first.every((entry) => /^\d+-\d+$/.test(entry.id))).toBe(true);
    expect(await readClickStreamLag(redis)).toEqual({ pending: 3, unread: 3 });
    // Its own pending list, for a retry after a failed commit.
    expect((await readOwnPendingClicks(redis, "worker-a", 10)).map((entry) => entry.id)).toEqual(first.map((entry) => entry.id));
    expect(await readOwnPendingClicks(redis, "worker-b", 10)).toEqual([]);
    // Nothing is idle long enough yet; then everything is.
    expect((await claimStaleClicks(redis, "worker-b", 60_000, claimScanStart, 10)).entries).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const claimed = await claimStaleClicks(redis, "worker-b", 20, claimScanStart, 10);
    expect(claimed.cursor).toEqual({ stream: 1, from: "0-0" });
    expect(claimed.entries.map((entry) => entry.event?.eventId)).toEqual(["e0", "e1", "e2"]);
    expect(await acknowledgeClicks(redis, claimed.entries)).toBe(3);
    // The legacy stream's pending list has nothing to take over: the scan went round.
    expect(await claimStaleClicks(redis, "worker-b", 20, claimed.cursor, 10)).toEqual({ cursor: claimScanStart, entries: [] });
    expect(await acknowledgeClicks(redis, [])).toBe(0);

    const rest = await readNewClicks(redis, "worker-a", 10);
    expect(rest.map((entry) => entry.event?.eventId)).toEqual(["e3", "e4", "e5"]);
    expect(rest[2]?.event).toEqual(escaped);
    expect(await readNewClicks(redis, "worker-a", 10)).toEqual([]);
    expect(await trimAcknowledgedClicks(redis)).toBe(3);
    await acknowledgeClicks(redis, rest);
    expect(await trimAcknowledgedClicks(redis)).toBe(3);
    expect(await readClickStreamLag(redis)).toEqual({ pending: 0, unread: 0 });
    expect(await removeIdleClickConsumers(redis, 60_000)).toEqual([]);
    expect((await removeIdleClickConsumers(redis, 0)).sort()).toEqual(["worker-a", "worker-b"]);
  });

  it("drains the legacy stream (entries of the first shape, from webs of an earlier version) after the packed one, acknowledging each on its own", async () => {
    const redis = clients[transport].redis;
    await ensureClickConsumerGroup(redis);
    // An older web appends every field by name to the legacy stream; a newer one packed entries to the current one.
    for (const i of [1, 2, 3]) await redis.xadd(redisKeys.legacyClickStream(), "*", clickStreamFieldValues(event(i)));
    for (const i of [4, 5]) await redis.xadd(redisKeys.clickStream(), "*", clickEventToStreamFields(event(i)));
    expect(await readClickStreamLag(redis)).toEqual({ pending: 0, unread: 5 });
    const first = await readNewClicks(redis, "worker-a", 3);
    expect(first.map((entry) => [entry.stream, entry.event?.eventId])).toEqual([
      [redisKeys.clickStream(), "e4"],
      [redisKeys.clickStream(), "e5"],
      [redisKeys.legacyClickStream(), "e1"],
    ]);
    expect(first.map((entry) => entry.event)).toEqual([event(4), event(5), event(1)]);
    expect(await readClickStreamLag(redis)).toEqual({ pending: 3, unread: 2 });
    // A retry reads both pending lists; a dead consumer's entries are taken over from both.
    expect((await readOwnPendingClicks(redis, "worker-a", 10)).map((entry) => entry.event?.eventId)).toEqual(["e4", "e5", "e1"]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const packedClaim = await claimStaleClicks(redis, "worker-b", 20, claimScanStart, 10);
    expect(packedClaim.entries.map((entry) => entry.event?.eventId)).toEqual(["e4", "e5"]);
    const legacyClaim = await claimStaleClicks(redis, "worker-b", 20, packedClaim.cursor, 10);
    expect(legacyClaim.entries.map((entry) => entry.event?.eventId)).toEqual(["e1"]);
    expect(legacyClaim.cursor).toEqual(claimScanStart);
    expect(await acknowledgeClicks(redis, [...packedClaim.entries, ...legacyClaim.entries])).toBe(3);
    expect(await readClickStreamLag(redis)).toEqual({ pending: 0, unread: 2 });
    const rest = await readNewClicks(redis, "worker-b", 10);
    expect(rest.map((entry) => [entry.stream, entry.event?.eventId])).toEqual([
      [redisKeys.legacyClickStream(), "e2"],
      [redisKeys.legacyClickStream(), "e3"],
    ]);
    expect(await acknowledgeClicks(redis, rest)).toBe(2);
    expect(await trimAcknowledgedClicks(redis)).toBe(5);
    expect(await redis.xlen(redisKeys.legacyClickStream())).toBe(0);
    expect(await readClickStreamLag(redis)).toEqual({ pending: 0, unread: 0 });
  });

  it("reports a malformed entry instead of throwing", async () => {
    const redis = clients[transport].redis;
    await ensureClickConsumerGroup(redis);
    await redis.xadd(redisKeys.clickStream(), "*", { eventId: "x", occurredAt: "not a time" });
    const [entry] = await readNewClicks(redis, "worker-a", 10);
    expect(entry).toMatchObject({ event: null, error: expect.any(String) });
  });

  it("reports a pending entry deleted before it was retried, and reads an empty pending list as none", async () => {
    const redis = clients[transport].redis;
    await ensureClickConsumerGroup(redis);
    expect(await readOwnPendingClicks(redis, "worker-a", 10)).toEqual([]);
    await redis.xadd(redisKeys.clickStream(), "*", clickEventToStreamFields(event(1)));
    await redis.xadd(redisKeys.clickStream(), "*", clickEventToStreamFields(event(2)));
    const delivered = await readNewClicks(redis, "worker-a", 10);
    expect(delivered.map((entry) => entry.event?.eventId)).toEqual(["e1", "e2"]);
    await redis.xdel(redisKeys.clickStream(), (delivered[0] as { id: string }).id);
    const pending = await readOwnPendingClicks(redis, "worker-a", 10);
    expect(pending.map((entry) => entry.id)).toEqual(delivered.map((entry) => entry.id));
    expect(pending[0]).toMatchObject({ event: null, error: expect.stringMatching(/deleted/) });
    expect(pending[1]?.event).toEqual(event(2));
  });
});
