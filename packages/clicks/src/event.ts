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
});

export type ClickEvent = z.infer<typeof clickEventSchema>;

/** The stream entry's flat string fields (Redis streams hold strings). */
export type ClickStreamFields = Record<keyof ClickEvent, string>;

export function clickEventToStreamFields(event: ClickEvent): ClickStreamFields {
  return {
    eventId: event.eventId,
    linkId: event.linkId,
    occurredAt: String(event.occurredAt.getTime()),
    referrer: event.referrer ?? "",
    userAgent: event.userAgent ?? "",
    country: event.country ?? "",
    visitorHash: event.visitorHash,
  };
}

/** Parses a stream entry back into an event; throws a ZodError for a malformed entry. */
export function clickEventFromStreamFields(fields: Record<string, unknown>): ClickEvent {
  const text = (key: keyof ClickEvent): string | null => {
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
  });
}
