import {
  analyticsDimensionSchema,
  analyticsFilterOps,
  analyticsPresetPeriods,
  isTimeZone,
  maxAnalyticsFilters,
  type AnalyticsFilter,
  type AnalyticsFilterOp,
  type AnalyticsPeriod,
  type AnalyticsPresetPeriod,
} from "@hop/validators";

/**
 * What the analytics page shows, as it lives in the address bar, readable and
 * shareable (Plausible's style):
 *
 *   /analytics?period=7d&tz=Europe/Berlin&f=is,country,DE&f=isNot,browser,Chrome&bots=1
 *   /analytics?period=custom&from=2026-11-01&to=2026-11-15
 *
 * Anything the page cannot read is left out (a wrong period reads as the
 * default), never an error: a shared address keeps working as far as it can.
 */
export interface AnalyticsView {
  period: AnalyticsPresetPeriod | "custom";
  /** Days (YYYY-MM-DD, both included) of a custom period, in the view's time zone. */
  from: string | null;
  to: string | null;
  /** null: the browser's own zone. */
  timezone: string | null;
  filters: AnalyticsFilter[];
  includeBots: boolean;
}

export const defaultPeriod: AnalyticsPresetPeriod = "30d";

/** The periods the picker offers, in its order (the contract knows a few more, which the URL accepts too). */
export const offeredPeriods: { value: AnalyticsView["period"]; label: string; short: string }[] = [
  { value: "24h", label: "Last 24 hours", short: "24h" },
  { value: "7d", label: "Last 7 days", short: "7d" },
  { value: "30d", label: "Last 30 days", short: "30d" },
  { value: "90d", label: "Last 90 days", short: "90d" },
  { value: "custom", label: "Custom range", short: "Custom" },
];

const dayPattern = /^\d{4}-\d{2}-\d{2}$/;
const isDay = (value: string | null): value is string => value !== null && dayPattern.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`));

export function parseAnalyticsView(params: URLSearchParams): AnalyticsView {
  const rawPeriod = params.get("period");
  const from = params.get("from");
  const to = params.get("to");
  let period: AnalyticsView["period"] = (analyticsPresetPeriods as readonly string[]).includes(rawPeriod ?? "")
    ? (rawPeriod as AnalyticsPresetPeriod)
    : defaultPeriod;
  const custom = rawPeriod === "custom" && isDay(from) && isDay(to) && from <= to;
  if (custom) period = "custom";
  const tz = params.get("tz");
  const filters: AnalyticsFilter[] = [];
  for (const raw of params.getAll("f")) {
    const filter = parseFilter(raw);
    if (filter && filters.length < maxAnalyticsFilters && !filters.some((known) => sameFilter(known, filter))) filters.push(filter);
  }
  return {
    period,
    from: custom ? from : null,
    to: custom ? to : null,
    timezone: tz && isTimeZone(tz) ? tz : null,
    filters,
    includeBots: params.get("bots") === "1",
  };
}

/** `is,country,DE`: the operator, the dimension, then the value (which may itself hold commas). */
function parseFilter(raw: string): AnalyticsFilter | null {
  const first = raw.indexOf(",");
  const second = raw.indexOf(",", first + 1);
  if (first < 0 || second < 0) return null;
  const op = raw.slice(0, first);
  const dimension = analyticsDimensionSchema.safeParse(raw.slice(first + 1, second));
  const value = raw.slice(second + 1);
  if (!(analyticsFilterOps as readonly string[]).includes(op) || !dimension.success || value.length > 200) return null;
  return { op: op as AnalyticsFilterOp, dimension: dimension.data, value };
}

export function sameFilter(a: AnalyticsFilter, b: AnalyticsFilter): boolean {
  return a.op === b.op && a.dimension === b.dimension && a.value === b.value;
}

/** The query string of a view; defaults stay out of it so the plain page has a plain address. */
export function serializeAnalyticsView(view: AnalyticsView): string {
  const params = new URLSearchParams();
  if (view.period === "custom" && view.from && view.to) {
    params.set("period", "custom");
    params.set("from", view.from);
    params.set("to", view.to);
  } else if (view.period !== defaultPeriod && view.period !== "custom") params.set("period", view.period);
  if (view.timezone) params.set("tz", view.timezone);
  for (const filter of view.filters) params.append("f", `${filter.op},${filter.dimension},${filter.value}`);
  if (view.includeBots) params.set("bots", "1");
  // URLSearchParams encodes commas and slashes; they are safe in a query and far easier to read bare.
  return params.toString().replaceAll("%2C", ",").replaceAll("%2F", "/");
}

/** Adds a filter, replacing its opposite on the same value (is DE and is not DE cannot both hold). */
export function withFilter(filters: readonly AnalyticsFilter[], filter: AnalyticsFilter): AnalyticsFilter[] {
  const others = filters.filter((known) => !(known.dimension === filter.dimension && known.value === filter.value));
  return [...others, filter].slice(0, maxAnalyticsFilters);
}

/** How far a zone's wall clock is ahead of UTC at an instant, in ms. */
function offsetAt(instant: Date, timeZone: string): number {
  const formatted = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(instant);
  const parts = Object.fromEntries(formatted.map((part) => [part.type, part.value]));
  const wall = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return wall - Math.floor(instant.getTime() / 1000) * 1000;
}

/**
 * Midnight of a day in a time zone, as an instant. The offset is asked twice:
 * at a first guess, then at the instant that guess gives, so a day on which
 * the clocks change (after midnight) still starts at its own midnight.
 */
export function startOfDayIn(day: string, timeZone: string): Date {
  const midnightUtc = Date.parse(`${day}T00:00:00Z`);
  const guess = midnightUtc - offsetAt(new Date(midnightUtc), timeZone);
  return new Date(midnightUtc - offsetAt(new Date(guess), timeZone));
}

/** The next calendar day of YYYY-MM-DD. */
export function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

/** The period as the API takes it: a preset, or the custom days as instants in the view's zone (`to` excluded, so the last day is whole). */
export function apiPeriod(view: AnalyticsView, timeZone: string): AnalyticsPeriod {
  if (view.period === "custom" && view.from && view.to) return { from: startOfDayIn(view.from, timeZone), to: startOfDayIn(nextDay(view.to), timeZone) };
  return view.period === "custom" ? defaultPeriod : view.period;
}
