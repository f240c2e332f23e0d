import type { Database } from "@hop/db";
import type { ClickEvent } from "./event";
import { enrichClick, type EnrichedClick } from "./enrich";

export interface IngestResult {
  /** New Click rows (events seen for the first time, of links that still exist). */
  inserted: number;
  /** Events already stored (replays) or repeated within the batch: counted before, changed nothing now. */
  duplicates: number;
  /** Events of links deleted for good meanwhile: nothing to count them against. */
  orphaned: number;
}

interface InsertedClick {
  linkId: string;
  day: Date;
  isBot: boolean;
  visitorHash: string;
}

const dayKey = (linkId: string, day: Date) => `${linkId}\u0000${day.toISOString().slice(0, 10)}`;

/**
 * Counts a batch of click events exactly once, in one PostgreSQL transaction:
 * Click rows (idempotent by event id), the per-day rollups (clicks and
 * unique visitors without bots, bot clicks apart) and each link's total
 * (without bots). A replayed event changes nothing; a failure commits
 * nothing. The worker calls this for each batch from the stream, and the
 * redirect for a single click when Redis is down.
 *
 * Rows are written in a fixed order (event id, then link and day) so that two
 * workers committing overlapping batches wait for each other instead of
 * deadlocking.
 */
export async function ingestClickEvents(db: Database, events: readonly ClickEvent[]): Promise<IngestResult> {
  const unique = [...new Map(events.map((event) => [event.eventId, event])).values()].sort((a, b) => (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0));
  if (unique.length === 0) return { inserted: 0, duplicates: events.length, orphaned: 0 };
  const clicks: EnrichedClick[] = unique.map(enrichClick);
  const column = <T>(pick: (click: EnrichedClick) => T) => clicks.map(pick);

  return db.$transaction(async (tx) => {
    const inserted = await tx.$queryRaw<InsertedClick[]>`
      INSERT INTO "Click" ("eventId", "linkId", "occurredAt", "referrerHost", "country", "device", "browser", "os", "isBot", "visitorHash", "userAgent")
      SELECT e.event_id, e.link_id, e.occurred_at AT TIME ZONE 'UTC', e.referrer_host, e.country, e.device, e.browser, e.os, e.is_bot, e.visitor_hash, e.user_agent
      FROM unnest(
        ${column((c) => c.eventId)}::text[], ${column((c) => c.linkId)}::text[], ${column((c) => c.occurredAt.toISOString())}::timestamptz[],
        ${column((c) => c.referrerHost)}::text[], ${column((c) => c.country)}::text[], ${column((c) => c.device)}::text[],
        ${column((c) => c.browser)}::text[], ${column((c) => c.os)}::text[], ${column((c) => c.isBot)}::boolean[],
        ${column((c) => c.visitorHash)}::text[], ${column((c) => c.userAgent)}::text[]
      ) WITH ORDINALITY AS e(event_id, link_id, occurred_at, referrer_host, country, device, browser, os, is_bot, visitor_hash, user_agent, position)
      WHERE EXISTS (SELECT 1 FROM "Link" l WHERE l.id = e.link_id)
      ORDER BY e.position
      ON CONFLICT ("eventId") DO NOTHING
      RETURNING "linkId", "occurredAt"::date AS day, "isBot", "visitorHash"`;

    const liveLinkIds = new Set(
      (await tx.link.findMany({ where: { id: { in: [...new Set(column((c) => c.linkId))] } }, select: { id: true } })).map((link) => link.id),
    );
    const orphaned = clicks.filter((click) => !liveLinkIds.has(click.linkId)).length;
    if (inserted.length === 0) return { inserted: 0, duplicates: events.length - orphaned, orphaned };

    // Unique visitors: a (link, day, visitor) seen for the first time, bots left out.
    const visitors = [...new Map(inserted.filter((click) => !click.isBot).map((click) => [`${dayKey(click.linkId, click.day)}\u0000${click.visitorHash}`, click])).values()].sort(
      (a, b) => (dayKey(a.linkId, a.day) + a.visitorHash < dayKey(b.linkId, b.day) + b.visitorHash ? -1 : 1),
    );
    const newVisitors = visitors.length
      ? await tx.$queryRaw<{ linkId: string; day: Date }[]>`
          INSERT INTO "LinkDailyVisitor" ("linkId", "day", "visitorHash")
          SELECT * FROM unnest(${visitors.map((v) => v.linkId)}::text[], ${visitors.map((v) => v.day.toISOString().slice(0, 10))}::date[], ${visitors.map((v) => v.visitorHash)}::text[])
          ON CONFLICT DO NOTHING
          RETURNING "linkId", "day"`
      : [];

    const stats = new Map<string, { linkId: string; day: string; clicks: number; bots: number; uniques: number }>();
    const statOf = (linkId: string, day: Date) => {
      const key = dayKey(linkId, day);
      let stat = stats.get(key);
      if (!stat) stats.set(key, (stat = { linkId, day: day.toISOString().slice(0, 10), clicks: 0, bots: 0, uniques: 0 }));
      return stat;
    };
    for (const click of inserted) {
      if (click.isBot) statOf(click.linkId, click.day).bots++;
      else statOf(click.linkId, click.day).clicks++;
    }
    for (const visitor of newVisitors) statOf(visitor.linkId, visitor.day).uniques++;
    const rows = [...stats.values()].sort((a, b) => (a.linkId + a.day < b.linkId + b.day ? -1 : 1));
    await tx.$executeRaw`
      INSERT INTO "LinkDailyStat" ("linkId", "day", "clicks", "uniqueVisitors", "botClicks")
      SELECT * FROM unnest(${rows.map((r) => r.linkId)}::text[], ${rows.map((r) => r.day)}::date[], ${rows.map((r) => r.clicks)}::int[], ${rows.map((r) => r.uniques)}::int[], ${rows.map((r) => r.bots)}::int[])
      ON CONFLICT ("linkId", "day") DO UPDATE SET
        "clicks" = "LinkDailyStat"."clicks" + excluded."clicks",
        "uniqueVisitors" = "LinkDailyStat"."uniqueVisitors" + excluded."uniqueVisitors",
        "botClicks" = "LinkDailyStat"."botClicks" + excluded."botClicks"`;

    const totals = new Map<string, number>();
    for (const row of rows) if (row.clicks > 0) totals.set(row.linkId, (totals.get(row.linkId) ?? 0) + row.clicks);
    const linkIds = [...totals.keys()].sort();
    if (linkIds.length > 0) {
      await tx.$executeRaw`
        UPDATE "Link" SET "totalClicks" = "Link"."totalClicks" + t.clicks
        FROM unnest(${linkIds}::text[], ${linkIds.map((id) => totals.get(id) ?? 0)}::bigint[]) AS t(id, clicks)
        WHERE "Link".id = t.id`;
    }
    return { inserted: inserted.length, duplicates: events.length - inserted.length - orphaned, orphaned };
  });
}
