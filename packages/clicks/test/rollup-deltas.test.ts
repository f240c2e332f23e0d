import { describe, expect, it } from "vitest";
import type { EnrichedClick } from "../src/enrich";
import { rollupDeltas } from "../src/rollup-deltas";

// Pure: what a batch adds to each rollup (the tables themselves are proven against raw clicks in ingest and dimensions tests).
const links = ["link-b", "link-a", "link-a\u0001", "link-c"];
const owners = new Map(links.map((link, i) => [link, `user-${i % 2}`]));

function clicks(count: number): EnrichedClick[] {
  return Array.from({ length: count }, (_, i) => ({
    eventId: `e${i}`,
    linkId: links[(i * 7) % links.length] as string,
    occurredAt: new Date(Date.UTC(2026, 10, 24, 23, 0) + i * 97_000),
    referrer: null,
    userAgent: null,
    visitorHash: `v${i % 13}`,
    country: ["DE", null, "IN"][i % 3] as string | null,
    region: null,
    city: null,
    trigger: i % 5 === 0 ? "qr" : "link",
    referrerHost: i % 4 === 0 ? null : (["a.example", "b.example"][i % 2] as string),
    utmSource: i % 6 === 0 ? "news" : null,
    utmMedium: null,
    utmCampaign: null,
    device: "desktop",
    browser: ["Chrome", "Firefox", "Chrome Headless"][i % 3] as string,
    os: "Linux",
    isBot: i % 9 === 0,
  }));
}

/** Tuple order: column by column, strings by code unit, false before true. */
function tupleOrder(a: readonly unknown[], b: readonly unknown[], width: number): number {
  for (let i = 0; i < width; i++) {
    if (a[i] !== b[i]) return (a[i] as string) < (b[i] as string) ? -1 : 1;
  }
  return 0;
}

describe("rollupDeltas", () => {
  const batch = clicks(600);
  const deltas = rollupDeltas(batch, owners);

  it("lists every table's rows in its key order (two workers lock rows in one order)", () => {
    const keyWidths = {
      accountBuckets: 3,
      accountDimensionDays: 5,
      accountVisitors: 3,
      linkVisitors: 3,
      linkDays: 2,
      linkTotals: 1,
    };
    for (const [table, width] of Object.entries(keyWidths)) {
      const rows = deltas[table as keyof typeof deltas] as unknown[][];
      expect(rows.length, table).toBeGreaterThan(0);
      expect(rows, table).toEqual([...rows].sort((a, b) => tupleOrder(a, b, width)));
      // One row per key.
      expect(new Set(rows.map((row) => JSON.stringify(row.slice(0, width)))).size, table).toBe(rows.length);
    }
  });

  it("adds up to the batch: every click once per table, each of the 12 dimensions once per click, each day's rows its clicks", () => {
    const sum = (rows: unknown[][], at: number) => rows.reduce((total, row) => total + (row[at] as number), 0);
    const humans = batch.filter((click) => !click.isBot).length;
    expect(sum(deltas.accountBuckets, 3)).toBe(600);
    expect(sum(deltas.accountDimensionDays, 5)).toBe(600 * 12);
    expect(sum(deltas.linkDays, 2)).toBe(humans);
    expect(sum(deltas.linkDays, 3)).toBe(600 - humans);
    expect(sum(deltas.linkTotals, 1)).toBe(humans);
    // The batch crosses midnight UTC: rows of both days, each dimension's summing to that day's clicks (and quarter hours).
    const days = new Set(deltas.accountDimensionDays.map((row) => row[2]));
    expect([...days].sort()).toEqual(["2026-11-24", "2026-11-25"]);
    for (const day of days) {
      const ofDay = (rows: unknown[][]) =>
        sum(
          rows.filter((row) => String(row[2]).startsWith(day as string)),
          5,
        );
      const clicksOfDay = batch.filter((click) => click.occurredAt.toISOString().startsWith(day as string)).length;
      expect(clicksOfDay).toBeGreaterThan(0);
      expect(ofDay(deltas.accountDimensionDays)).toBe(clicksOfDay * 12);
      expect(
        sum(
          deltas.accountBuckets.filter((row) => String(row[1]).startsWith(day as string)),
          3,
        ),
      ).toBe(clicksOfDay);
    }
  });

  it("keeps a visitor's first and last click of the day, of any kind and of human clicks (none for bot clicks only)", () => {
    const iso = (clicks: typeof batch) =>
      clicks.length === 0
        ? [null, null]
        : [
            new Date(Math.min(...clicks.map((click) => click.occurredAt.getTime()))).toISOString(),
            new Date(Math.max(...clicks.map((click) => click.occurredAt.getTime()))).toISOString(),
          ];
    const visitor = deltas.accountVisitors.filter((row) => row[2] === "v0" && row[1] === "2026-11-24");
    const own = batch.filter((click) => click.visitorHash === "v0" && click.occurredAt.toISOString().startsWith("2026-11-24"));
    for (const row of visitor) {
      const counted = own.filter((click) => owners.get(click.linkId) === row[0]);
      expect(row.slice(3, 5)).toEqual(iso(counted));
      expect(row.slice(5, 7)).toEqual(iso(counted.filter((click) => !click.isBot)));
    }
    expect(visitor.length).toBeGreaterThan(0);
    // A visitor whose clicks of the day are all bots' has no human span.
    const botsOnly = rollupDeltas(
      batch.filter((click) => click.isBot),
      owners,
    ).accountVisitors;
    expect(botsOnly.length).toBeGreaterThan(0);
    expect(botsOnly.every((row) => row[5] === null && row[6] === null)).toBe(true);
  });
});
