import { ingestClickEvents } from "@hop/clicks";
import { createDatabase, type Database } from "@hop/db";
import { enqueueJob } from "@hop/jobs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCluster, waitFor, type Cluster } from "../support/cluster";

/**
 * Issue 13: the analytics.compact job on real worker processes: runs that
 * overlap on two workers compact each closed day once, and what they compact
 * equals the raw clicks. (Once per cluster per tick is graphile-worker's
 * crontab, proven for every scheduled job in clicks.test.ts.)
 */
let cluster: Cluster | undefined;
let db: Database | undefined;

beforeAll(async () => {
  cluster = await startCluster({ web: 0, workers: 2 });
  db = createDatabase(cluster.env.DATABASE_URL ?? "");
}, 120_000);
afterAll(async () => {
  await db?.$disconnect();
  await cluster?.stop();
});

describe("the analytics compaction on two workers", () => {
  it("compacts each closed day once, however many runs overlap, as the raw clicks say", async () => {
    if (!cluster || !db) throw new Error("setup failed");
    const user = await db.user.create({ data: { email: "compact@example.com", passwordHash: "x" } });
    const link = await db.link.create({ data: { slug: "compact-me", url: "https://example.com/", userId: user.id } });
    const today = Math.floor(Date.now() / 86_400_000) * 86_400_000;
    // Two closed UTC days (yesterday, the day before) and today's open tail.
    const events = [-2, -1, 0].flatMap((day) =>
      Array.from({ length: 20 }, (_, index) => ({
        eventId: `compact-${day}-${index}`,
        linkId: link.id,
        occurredAt: new Date(today + day * 86_400_000 + index * 60_000),
        referrer: null,
        userAgent: "Mozilla/5.0 (X11; Linux x86_64; rv:126.0) Gecko/20100101 Firefox/126.0",
        country: index % 2 === 0 ? "DE" : "US",
        visitorHash: `v${index % 5}-${day}`,
        ip: null,
        trigger: "link" as const,
      })),
    );
    await ingestClickEvents(db, events);

    await db.$transaction(async (tx) => {
      for (let i = 0; i < 6; i++) await enqueueJob(tx, "analytics.compact", {});
    });
    const runs = () =>
      cluster!.workers.flatMap((worker) =>
        worker.logs.filter((line) => line.msg === "scheduled job done" && line.task === "analytics.compact").map((line) => Number(line.accountDays)),
      );
    await waitFor(
      async () => runs().length,
      (count) => count === 6,
      60_000,
      100,
    );
    // Each closed day compacted by exactly one run (yesterday only once the 10-minute grace after midnight has passed).
    const closed = Date.now() - today >= 10 * 60_000 ? 2 : 1;
    expect(runs().reduce((sum, count) => sum + count, 0)).toBe(closed);
    for (const worker of cluster.workers) expect(worker.logs.filter((line) => line.msg === "job failed; will retry")).toEqual([]);
    // Today so far is compacted too (its clicks before the last quarter hour that began 10 minutes ago): the rows hold
    // the clicks of each compacted span, whole days and today's part, as a recount of the events says.
    const spans = await db.$queryRaw<{ day: Date; through: Date | null }[]>`
      SELECT day, through FROM "AccountCompactedDay" WHERE "userId" = ${user.id} ORDER BY day`;
    expect(spans.filter((span) => span.through === null)).toHaveLength(closed);
    const held = events.filter((event) =>
      spans.some(
        (span) => event.occurredAt.getTime() >= span.day.getTime() && event.occurredAt.getTime() < (span.through?.getTime() ?? span.day.getTime() + 86_400_000),
      ),
    );
    expect(held.length).toBeGreaterThanOrEqual(20 * closed);
    // Today's clicks (00:00 to 00:19) are all before the last quarter hour once it is 00:40 (and a quarter hour).
    if (Date.now() - today >= 55 * 60_000) expect(held.length).toBe(20 * closed + 20);
    const compacted = await db.$queryRaw<{ value: string; clicks: number; visitors: number }[]>`
      SELECT value, sum(clicks)::int AS clicks, sum(visitors)::int AS visitors FROM "AccountValueDay"
      WHERE "userId" = ${user.id} AND dimension = 'country' AND kind = 'human' GROUP BY 1 ORDER BY 1`;
    const recount = (country: string) => {
      const ofCountry = held.filter((event) => event.country === country);
      return { value: country, clicks: ofCountry.length, visitors: new Set(ofCountry.map((event) => event.visitorHash)).size };
    };
    expect(compacted).toEqual([recount("DE"), recount("US")]);
  }, 120_000);
});
