import { clickQrMarker } from "@hop/validators";
import { z } from "zod";

/**
 * One visit of a short link, as the redirect saw it. The redirect appends it
 * to the clicks stream (or, when Redis is down, ingests it straight into
 * PostgreSQL); the worker enriches it (browser, OS, device, bot flag,
 * referrer host) and counts it. Only what the request carried is recorded
 * here: enrichment belongs to the worker, off the hot path.
 */
/** A click's referrer is cut at this length (the Referer header's practical limit). */
export const maxReferrerLength = 2048;

/**
 * A referrer worth recording when it did not come from the Referer header
 * itself (carried through a password unlock): an absolute http(s) URL, cut at
 * maxReferrerLength; anything else (a forged field, `javascript:`) is none.
 */
export function validReferrer(value: string | null | undefined): string | null {
  if (!value) return null;
  const cut = value.slice(0, maxReferrerLength);
  if (!URL.canParse(cut)) return null;
  const { protocol } = new URL(cut);
  return protocol === "http:" || protocol === "https:" ? cut : null;
}

/** How the visit came: through the short link itself, or through its QR code's URL (which carries clickQrMarker). */
export const clickTriggers = ["link", "qr"] as const;
export type ClickTrigger = (typeof clickTriggers)[number];

/** "qr" when the short link's request URL carries the QR marker, else "link". */
export function triggerOf(requestUrl: string | undefined): ClickTrigger {
  const query = requestUrl?.split("?", 2)[1];
  if (!query) return "link";
  return new URLSearchParams(query).get(clickQrMarker.name) === clickQrMarker.value ? "qr" : "link";
}

export const clickEventSchema = z.object({
  /** Unique per visit; ingestion is idempotent by it. */
  eventId: z.string().min(1).max(64),
  linkId: z.string().min(1).max(64),
  occurredAt: z.date(),
  /** The Referer header as sent (may be a full URL), or null. */
  referrer: z.string().max(maxReferrerLength).nullable(),
  userAgent: z.string().max(1024).nullable(),
  /** ISO 3166-1 alpha-2 from the configured trusted header, or null. */
  country: z.string().length(2).nullable(),
  /** Salted, daily-rotating hash of IP + user agent: never the raw IP. */
  visitorHash: z.string().min(1).max(128),
  /**
   * The visitor's address, for the worker to find the country in the bundled
   * database. Transient: it passes through the Redis stream and is dropped at
   * ingestion, never stored in PostgreSQL. Null when unknown (older entries).
   */
  ip: z.string().max(64).nullable().default(null),
  trigger: z.enum(clickTriggers).default("link"),
});

/** A click event; `ip` and `trigger` may be left out (null, "link"). */
export type ClickEvent = z.input<typeof clickEventSchema>;
/** A click event as read back: every field present. */
export type ParsedClickEvent = z.output<typeof clickEventSchema>;

/** The stream entry's flat string fields (Redis streams hold strings). */
export type ClickStreamFields = Record<keyof ParsedClickEvent, string>;

/**
 * The one order of a stream entry's fields: clickEventToStreamFields writes
 * it, and the redirect's Lua lookup writes the same through
 * clickStreamXaddLua (see append.ts).
 */
export const clickStreamFieldOrder = [
  "eventId",
  "linkId",
  "occurredAt",
  "referrer",
  "userAgent",
  "country",
  "visitorHash",
  "ip",
  "trigger",
] as const satisfies readonly (keyof ClickStreamFields)[];

/** The stream fields of an event, in no particular key order (the redirect's hot path reads them by clickStreamFieldOrder). */
export function clickStreamFieldValues(event: ClickEvent): ClickStreamFields {
  return {
    eventId: event.eventId,
    linkId: event.linkId,
    occurredAt: String(event.occurredAt.getTime()),
    referrer: event.referrer ?? "",
    userAgent: event.userAgent ?? "",
    country: event.country ?? "",
    visitorHash: event.visitorHash,
    ip: event.ip ?? "",
    trigger: event.trigger ?? "link",
  };
}

export function clickEventToStreamFields(event: ClickEvent): ClickStreamFields {
  const fields = clickStreamFieldValues(event);
  // Built in clickStreamFieldOrder (object keys keep insertion order; XADD sends them in it).
  return Object.fromEntries(clickStreamFieldOrder.map((key) => [key, fields[key]])) as ClickStreamFields;
}

/** Parses a stream entry back into an event; throws a ZodError for a malformed entry. */
export function clickEventFromStreamFields(fields: Record<string, unknown>): ParsedClickEvent {
  const text = (key: keyof ParsedClickEvent): string | null => {
    const value = fields[key];
    if (value === undefined || value === null || value === "") return null;
    return String(value);
  };
  return clickEventSchema.parse({
    eventId: text("eventId"),
    linkId: text("linkId"),
    occurredAt: new Date(Number(text("occurredAt"))),
    referrer: text("referrer"),
    userAgent: text("userAgent"),
    country: text("country")?.toUpperCase() ?? null,
    visitorHash: text("visitorHash"),
    ip: text("ip"),
    trigger: text("trigger") ?? "link",
  });
}
