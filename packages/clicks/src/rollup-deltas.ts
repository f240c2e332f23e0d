import type { accountRollupDimensions } from "./account-rollups";
import type { EnrichedClick } from "./enrich";

/**
 * What a batch of newly stored clicks adds to each per-account and per-day
 * rollup, added up here rather than by GROUP BYs in PostgreSQL: a batch of 1,000 clicks becomes
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
  /** AccountClickBucket: [userId, bucket, isBot, clicks] */
  accountBuckets: (string | boolean | number)[][];
  /** AccountDimensionDay: [userId, dimension, day, isBot, value, clicks] */
  accountDimensionDays: (string | boolean | number)[][];
  /** AccountDailyVisitor: [userId, day, visitorHash, firstAt, lastAt, humanFirstAt, humanLastAt] (the human pair null for a visitor with bot clicks only) */
  accountVisitors: (string | null)[][];
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
/** Indexes into `dimensions` in the order of their names (the tables' key order). */
const dimensionsByName = dimensions
  .map((_, index) => index)
  .sort((a, b) => byId([(dimensions[a] as (typeof dimensions)[number])[0], a], [(dimensions[b] as (typeof dimensions)[number])[0], b]));

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

/** A visitor's first and last click of a day (ms). */
interface VisitSpan {
  firstAt: number;
  lastAt: number;
}

function widen(spans: Map<string, VisitSpan>, visitor: string, at: number): void {
  const span = spans.get(visitor);
  if (!span) spans.set(visitor, { firstAt: at, lastAt: at });
  else if (at < span.firstAt) span.firstAt = at;
  else if (at > span.lastAt) span.lastAt = at;
}

/**
 * The rollup deltas of `clicks`, which must be the batch's clicks stored
 * just now (a replayed click must not reach here), with each link's owner.
 */
export function rollupDeltas(clicks: readonly EnrichedClick[], ownerOf: ReadonlyMap<string, string>): RollupDeltas {
  const buckets = new Map<string, { userId: string; bucket: string; isBot: boolean; clicks: number }>();
  const dimensionGroups = new Map<string, { userId: string; day: string; isBot: boolean; values: Map<string, number>[] }>();
  // Visitors per (owner, day) and per (link, day): one key built per click, not one per click and kind.
  const accountVisitorDays = new Map<string, { userId: string; day: string; all: Map<string, VisitSpan>; human: Map<string, VisitSpan> }>();
  const linkDays = new Map<string, { linkId: string; day: string; clicks: number; bots: number; visitors: Set<string> }>();
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
    const bucketId = `${userId}\u0000${bucket}\u0000${bot}`;
    const quarter = buckets.get(bucketId);
    if (quarter) quarter.clicks++;
    else buckets.set(bucketId, { userId, bucket, isBot: click.isBot, clicks: 1 });
    // One group per (owner, day, bot) and in it one count per dimension value: no key built per dimension.
    const groupId = `${userId}\u0000${day}\u0000${bot}`;
    let group = dimensionGroups.get(groupId);
    if (!group) {
      group = { userId, day, isBot: click.isBot, values: dimensions.map(() => new Map<string, number>()) };
      dimensionGroups.set(groupId, group);
    }
    for (let index = 0; index < dimensions.length; index++) {
      const value = (dimensions[index] as (typeof dimensions)[number])[1](click);
      const counts = group.values[index] as Map<string, number>;
      counts.set(value, (counts.get(value) ?? 0) + 1);
    }
    const accountDayId = `${userId}\u0000${day}`;
    let accountDay = accountVisitorDays.get(accountDayId);
    if (!accountDay) {
      accountDay = { userId, day, all: new Map(), human: new Map() };
      accountVisitorDays.set(accountDayId, accountDay);
    }
    widen(accountDay.all, visitor, at);
    if (!click.isBot) widen(accountDay.human, visitor, at);
    const linkDayId = `${click.linkId}\u0000${day}`;
    let linkDay = linkDays.get(linkDayId);
    if (!linkDay) {
      linkDay = { linkId: click.linkId, day, clicks: 0, bots: 0, visitors: new Set() };
      linkDays.set(linkDayId, linkDay);
    }
    if (click.isBot) linkDay.bots++;
    else {
      linkDay.clicks++;
      linkTotals.set(click.linkId, (linkTotals.get(click.linkId) ?? 0) + 1);
      linkDay.visitors.add(visitor);
    }
  }

  // Key order without a key string per row: groups sorted by (owner, day, bot) once, then for each owner and
  // dimension (in name order) the groups' values, each group's sorted.
  const accountBuckets = [...buckets.entries()]
    .sort(byId)
    .map(([, { userId, bucket, isBot, clicks }]): (string | boolean | number)[] => [userId, bucket, isBot, clicks]);
  const groups = [...dimensionGroups.entries()].sort(byId).map(([, group]) => group);
  const accountDimensionDays: (string | boolean | number)[][] = [];
  for (let first = 0; first < groups.length; ) {
    const userId = (groups[first] as (typeof groups)[number]).userId;
    let end = first;
    while (end < groups.length && (groups[end] as (typeof groups)[number]).userId === userId) end++;
    const ownGroups = groups.slice(first, end);
    for (const index of dimensionsByName) {
      const dimension = (dimensions[index] as (typeof dimensions)[number])[0];
      // The owner's groups come in (day, bot) order, the table's key order after the dimension.
      for (const { day, isBot, values } of ownGroups) {
        const counts = values[index] as Map<string, number>;
        for (const value of [...counts.keys()].sort()) accountDimensionDays.push([userId, dimension, day, isBot, value, counts.get(value) as number]);
      }
    }
    first = end;
  }
  const iso = (ms: number) => new Date(ms).toISOString();
  // Key order: by (owner, day) then visitor; by (link, day) then visitor. A plain sort() of strings compares code units, as byId does.
  const accountVisitors: (string | null)[][] = [];
  for (const [, { userId, day, all, human }] of [...accountVisitorDays.entries()].sort(byId)) {
    for (const visitor of [...all.keys()].sort()) {
      const span = all.get(visitor) as VisitSpan;
      const humanSpan = human.get(visitor);
      accountVisitors.push([
        userId,
        day,
        visitor,
        iso(span.firstAt),
        iso(span.lastAt),
        humanSpan ? iso(humanSpan.firstAt) : null,
        humanSpan ? iso(humanSpan.lastAt) : null,
      ]);
    }
  }
  const sortedLinkDays = [...linkDays.entries()].sort(byId).map(([, row]) => row);
  const linkVisitors: string[][] = [];
  for (const { linkId, day, visitors } of sortedLinkDays) for (const visitor of [...visitors].sort()) linkVisitors.push([linkId, day, visitor]);
  return {
    accountBuckets,
    accountDimensionDays,
    accountVisitors,
    linkVisitors,
    linkDays: sortedLinkDays.map((row) => [row.linkId, row.day, row.clicks, row.bots]),
    linkTotals: [...linkTotals.entries()].sort((a, b) => compareKeys(a, b)).map(([linkId, clicks]) => [linkId, clicks]),
  };
}
