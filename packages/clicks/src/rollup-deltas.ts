import type { accountRollupDimensions } from "./account-rollups";
import type { EnrichedClick } from "./enrich";

/**
 * What a batch of newly stored clicks adds to each rollup, added up here
 * rather than by GROUP BYs in PostgreSQL: a batch of 1,000 clicks becomes
 * 12,000 account dimension values, and expanding and grouping them in SQL
 * took about an eighth of the statement's time (see docs/benchmarks.md). The values are exactly
 * those of the SQL dimensions in account-rollups.ts (which compaction and the
 * benchmark's seeding group on); dimensions.test.ts holds ingestion equal to the migrations' SQL backfill.
 *
 * Every list is sorted by its table's key, so that two workers committing
 * overlapping batches take row locks in one order and wait instead of
 * deadlocking. Timestamps are UTC ISO strings; days are "YYYY-MM-DD".
 */
export interface RollupDeltas {
  /** ClickRollup: [linkId, userId, bucket, isBot, country, region, city, device, browser, os, referrerHost, utmSource, utmMedium, utmCampaign, trigger, clicks] */
  clickRollups: (string | boolean | number)[][];
  /** AccountClickBucket: [userId, bucket, isBot, clicks] */
  accountBuckets: (string | boolean | number)[][];
  /** AccountDimensionBucket: [userId, dimension, bucket, isBot, value, clicks] */
  accountDimensionBuckets: (string | boolean | number)[][];
  /** AccountDimensionDay: [userId, dimension, day, isBot, value, clicks] */
  accountDimensionDays: (string | boolean | number)[][];
  /** AccountDailyVisitor: [userId, day, kind, visitorHash, firstAt, lastAt] */
  accountVisitors: string[][];
  /** LinkDailyVisitor, humans only: [linkId, day, visitorHash] */
  linkVisitors: string[][];
  /** LinkDailyStat without its uniques (those depend on which visitors are new, known only in SQL): [linkId, day, clicks, botClicks] */
  linkDays: (string | number)[][];
  /** Link.totalClicks: [linkId, clicks] (humans; links with none left out) */
  linkTotals: (string | number)[][];
}

type Dimension = (typeof accountRollupDimensions)[number][0];

/** Each account dimension's value in JS, as account-rollups.ts computes it in SQL ('' for unknown, "direct" for no referrer). */
const accountDimensionValues: Record<Dimension, (click: EnrichedClick) => string> = {
  country: (click) => click.country ?? "",
  region: (click) => click.region ?? "",
  city: (click) => click.city ?? "",
  device: (click) => click.device ?? "",
  browser: (click) => click.browser ?? "",
  os: (click) => click.os ?? "",
  referrer: (click) => click.referrerHost ?? "direct",
  utmSource: (click) => click.utmSource ?? "",
  utmMedium: (click) => click.utmMedium ?? "",
  utmCampaign: (click) => click.utmCampaign ?? "",
  trigger: (click) => click.trigger,
  link: (click) => click.linkId,
};
const dimensions = Object.entries(accountDimensionValues) as [Dimension, (click: EnrichedClick) => string][];

const quarterHourMs = 15 * 60_000;

/** The UTC quarter hour a click falls in (date_bin('15 minutes', ..., '2000-01-01'): quarter hours since the epoch line up with it). */
function quarterHourOf(at: Date, known: Map<number, string>): string {
  const start = Math.floor(at.getTime() / quarterHourMs) * quarterHourMs;
  let bucket = known.get(start);
  if (bucket === undefined) {
    // A batch spans a few quarter hours: each formatted once.
    bucket = new Date(start).toISOString();
    known.set(start, bucket);
  }
  return bucket;
}

/** Compares key tuples column by column (strings by code unit, false before true), the order every worker uses. */
function compareKeys(a: readonly (string | boolean | number)[], b: readonly (string | boolean | number)[], width = a.length): number {
  for (let i = 0; i < width; i++) {
    const x = a[i] as string | boolean | number;
    const y = b[i] as string | boolean | number;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/**
 * Orders [id, row] entries by id: an id is its key's values in key order joined by NUL (booleans as "0"/"1"), and
 * NUL sorts before every character a value can hold, so this is the key's order, without comparing tuples.
 */
function byId(a: readonly [string, unknown], b: readonly [string, unknown]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

/** Adds up clicks by key; the key's values joined by NUL are the map key (no value holds a NUL: PostgreSQL text cannot). */
class Counter<K extends (string | boolean)[]> {
  readonly #rows = new Map<string, { key: K; clicks: number }>();
  add(id: string, key: () => K): void {
    const row = this.#rows.get(id);
    if (row) row.clicks++;
    else this.#rows.set(id, { key: key(), clicks: 1 });
  }
  /** [...key, clicks], sorted by key (by id: see byId). */
  sorted(): (string | boolean | number)[][] {
    return [...this.#rows.entries()].sort(byId).map(([, row]) => [...row.key, row.clicks]);
  }
}

/**
 * The rollup deltas of `clicks`, which must be the batch's clicks stored
 * just now (a replayed click must not reach here), with each link's owner.
 */
export function rollupDeltas(clicks: readonly EnrichedClick[], ownerOf: ReadonlyMap<string, string>, options = { clickRollup: true }): RollupDeltas {
  const clickRollups = new Counter<[string, string, string, boolean, ...string[]]>();
  const dimensionGroups = new Map<string, { userId: string; bucket: string; isBot: boolean; clicks: number; values: Map<string, number>[] }>();
  const accountVisitors = new Map<string, { key: [string, string, string, string]; firstAt: number; lastAt: number }>();
  const linkVisitors = new Map<string, [string, string, string]>();
  const linkDays = new Map<string, { linkId: string; day: string; clicks: number; bots: number }>();
  const linkTotals = new Map<string, number>();
  const quarterHours = new Map<number, string>();

  for (const click of clicks) {
    const userId = ownerOf.get(click.linkId);
    if (userId === undefined) throw new Error(`click ${click.eventId}: its link ${click.linkId} has no owner in this batch`);
    const visitor = click.visitorHash;
    if (!visitor) throw new Error(`click ${click.eventId} has no visitor hash`);
    const bucket = quarterHourOf(click.occurredAt, quarterHours);
    const day = bucket.slice(0, 10);
    const at = click.occurredAt.getTime();
    const bot = click.isBot ? "1" : "0";
    if (options.clickRollup) {
      const dims = [
        click.country ?? "",
        click.region ?? "",
        click.city ?? "",
        click.device ?? "",
        click.browser ?? "",
        click.os ?? "",
        click.referrerHost ?? "direct",
        click.utmSource ?? "",
        click.utmMedium ?? "",
        click.utmCampaign ?? "",
        click.trigger,
      ];
      clickRollups.add(`${click.linkId}\u0000${bucket}\u0000${bot}\u0000${dims.join("\u0000")}`, () => [click.linkId, userId, bucket, click.isBot, ...dims]);
    }
    // One group per (owner, quarter hour, bot) and in it one count per dimension value: no key built per dimension.
    const groupId = `${userId}\u0000${bucket}\u0000${bot}`;
    let group = dimensionGroups.get(groupId);
    if (!group) {
      group = { userId, bucket, isBot: click.isBot, clicks: 0, values: dimensions.map(() => new Map<string, number>()) };
      dimensionGroups.set(groupId, group);
    }
    group.clicks++;
    for (let index = 0; index < dimensions.length; index++) {
      const value = (dimensions[index] as (typeof dimensions)[number])[1](click);
      const counts = group.values[index] as Map<string, number>;
      counts.set(value, (counts.get(value) ?? 0) + 1);
    }
    for (const kind of click.isBot ? ["all"] : ["all", "human"]) {
      const id = `${userId}\u0000${day}\u0000${kind}\u0000${visitor}`;
      const seen = accountVisitors.get(id);
      if (!seen) accountVisitors.set(id, { key: [userId, day, kind, visitor], firstAt: at, lastAt: at });
      else {
        seen.firstAt = Math.min(seen.firstAt, at);
        seen.lastAt = Math.max(seen.lastAt, at);
      }
    }
    const linkDayId = `${click.linkId}\u0000${day}`;
    const linkDay = linkDays.get(linkDayId) ?? { linkId: click.linkId, day, clicks: 0, bots: 0 };
    linkDays.set(linkDayId, linkDay);
    if (click.isBot) linkDay.bots++;
    else {
      linkDay.clicks++;
      linkTotals.set(click.linkId, (linkTotals.get(click.linkId) ?? 0) + 1);
      linkVisitors.set(`${linkDayId}\u0000${visitor}`, [click.linkId, day, visitor]);
    }
  }

  const accountBuckets: (string | boolean | number)[][] = [];
  const accountDimensionBuckets: [string, (string | boolean | number)[]][] = [];
  const days = new Map<string, { key: [string, string, string, boolean, string]; clicks: number }>();
  for (const { userId, bucket, isBot, clicks: groupClicks, values } of dimensionGroups.values()) {
    accountBuckets.push([userId, bucket, isBot, groupClicks]);
    const day = bucket.slice(0, 10);
    for (let index = 0; index < dimensions.length; index++) {
      const dimension = (dimensions[index] as (typeof dimensions)[number])[0];
      for (const [value, count] of values[index] as Map<string, number>) {
        const bot = isBot ? "1" : "0";
        accountDimensionBuckets.push([
          `${userId}\u0000${dimension}\u0000${bucket}\u0000${bot}\u0000${value}`,
          [userId, dimension, bucket, isBot, value, count],
        ]);
        // A day's rows are the sum of its quarter hours' (a few hundred per batch, not a row per click and value).
        const dayId = `${userId}\u0000${dimension}\u0000${day}\u0000${bot}\u0000${value}`;
        const row = days.get(dayId);
        if (row) row.clicks += count;
        else days.set(dayId, { key: [userId, dimension, day, isBot, value], clicks: count });
      }
    }
  }
  const byKey = (width: number) => (a: readonly (string | boolean | number)[], b: readonly (string | boolean | number)[]) => compareKeys(a, b, width);
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    clickRollups: clickRollups.sorted(),
    accountBuckets: accountBuckets.sort(byKey(3)),
    accountDimensionBuckets: accountDimensionBuckets.sort(byId).map(([, row]) => row),
    accountDimensionDays: [...days.entries()].sort(byId).map(([, row]) => [...row.key, row.clicks]),
    accountVisitors: [...accountVisitors.entries()].sort(byId).map(([, { key, firstAt, lastAt }]) => [...key, iso(firstAt), iso(lastAt)]),
    linkVisitors: [...linkVisitors.entries()].sort(byId).map(([, row]) => row),
    linkDays: [...linkDays.entries()].sort(byId).map(([, row]) => [row.linkId, row.day, row.clicks, row.bots]),
    linkTotals: [...linkTotals.entries()].sort((a, b) => compareKeys(a, b)).map(([linkId, clicks]) => [linkId, clicks]),
  };
}
