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
  /**
   * Salted, daily-rotating hash of IP + user agent: never the raw IP. The
   * redirect leaves it out (one HMAC less per visit): ingestion computes it
   * from the address, the user agent and the click's own day. Entries written
   * before carry it, and it is kept.
   */
  visitorHash: z.string().min(1).max(128).nullable().default(null),
  /**
   * The visitor's address, for the worker to find the country in the bundled
   * database. Transient: it passes through the Redis stream and is dropped at
   * ingestion, never stored in PostgreSQL. Null when unknown (older entries).
   */
  ip: z.string().max(64).nullable().default(null),
  trigger: z.enum(clickTriggers).default("link"),
});

/** A click event; `visitorHash`, `ip` and `trigger` may be left out (computed at ingestion, null, "link"). */
export type ClickEvent = z.input<typeof clickEventSchema>;
/** A click event as read back: every field present. */
export type ParsedClickEvent = z.output<typeof clickEventSchema>;

/** An event's values as flat strings, by field name (Redis streams hold strings). */
export type ClickStreamFields = Record<keyof ParsedClickEvent, string>;

/**
 * The order of an event's fields: the packed field holds them in it (minus
 * the link id, the time and the visitor hash, which stand apart), and
 * entries of the first shape (every field by name) were written in it.
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

/** The fields packed into one value: all but the link id (the lookup's cached link has it), the time and the visitor hash. */
export const packedClickFields = clickStreamFieldOrder.filter(
  (key): key is Exclude<(typeof clickStreamFieldOrder)[number], "linkId" | "occurredAt" | "visitorHash"> =>
    key !== "linkId" && key !== "occurredAt" && key !== "visitorHash",
);
export type PackedClickField = (typeof packedClickFields)[number];

/**
 * Between the packed fields. No field can hold it: HTTP header values cannot
 * carry NUL (Node's parser refuses them), addresses, ids and the trigger
 * never do, and packClickFields removes it from any value that does all the
 * same, so a reader always finds as many fields as were packed.
 */
const packedFieldSeparator = "\0";

/**
 * A stream entry as written now: three fields (four with a visitor hash) where the first shape had nine. Each field
 * costs the redirect's script a Lua string and its XADD a listpack element, and the worker a string to decode: the
 * packed value keeps Redis's CPU per redirect down (docs/benchmarks.md). `visitorHash` is only there when the event
 * came with one (never from the redirect: ingestion computes it).
 */
// A type, not an interface: it is passed where a Record<string, unknown> is asked (XADD's fields, the parser).
export type PackedClickStreamFields = {
  linkId: string;
  occurredAt: string;
  packed: string;
  visitorHash?: string;
};

/** The stream fields of an event, by name and as text (absent values as ""). */
export function clickStreamFieldValues(event: ClickEvent): ClickStreamFields {
  return {
    eventId: event.eventId,
    linkId: event.linkId,
    occurredAt: String(event.occurredAt.getTime()),
    referrer: event.referrer ?? "",
    userAgent: event.userAgent ?? "",
    country: event.country ?? "",
    visitorHash: event.visitorHash ?? "",
    ip: event.ip ?? "",
    trigger: event.trigger ?? "link",
  };
}

const withoutSeparator = (value: string) => (value.includes(packedFieldSeparator) ? value.replaceAll(packedFieldSeparator, "") : value);

/**
 * The packed value of `source`: `readers` are one per packedClickFields, in its order, each reading its field's text
 * from the source. Readers made once, not a closure per call: the redirect packs its draft this way on every visit.
 */
export function packClickFields<Source>(source: Source, readers: readonly ((source: Source) => string)[]): string {
  let packed = withoutSeparator((readers[0] as (source: Source) => string)(source));
  for (let i = 1; i < readers.length; i++) packed += packedFieldSeparator + withoutSeparator((readers[i] as (source: Source) => string)(source));
  return packed;
}

const namedFieldReaders = packedClickFields.map((field) => (fields: ClickStreamFields) => fields[field]);

/** The entry an event is appended as (the redirect's script writes the same through clickStreamXaddLua). */
export function clickEventToStreamFields(event: ClickEvent): PackedClickStreamFields {
  const fields = clickStreamFieldValues(event);
  const entry: PackedClickStreamFields = { linkId: fields.linkId, occurredAt: fields.occurredAt, packed: packClickFields(fields, namedFieldReaders) };
  if (fields.visitorHash) entry.visitorHash = fields.visitorHash;
  return entry;
}

/** The named fields of a packed entry; throws for a packed value that does not hold every field. */
function unpackedFields(fields: Record<string, unknown>, packed: string): Record<string, unknown> {
  const values = packed.split(packedFieldSeparator);
  if (values.length !== packedClickFields.length) throw new Error(`a packed click entry holds ${values.length} fields, not ${packedClickFields.length}`);
  const named: Record<string, unknown> = { linkId: fields.linkId, occurredAt: fields.occurredAt, visitorHash: fields.visitorHash };
  for (let i = 0; i < values.length; i++) named[packedClickFields[i] as PackedClickField] = values[i];
  return named;
}

/**
 * Parses a stream entry back into an event, of either shape: packed (clickEventToStreamFields), or every field by
 * name (what webs wrote before the packed shape, still on the legacy stream during an upgrade). Throws for a
 * malformed entry (a ZodError, or an Error for a packed value short of fields).
 */
export function clickEventFromStreamFields(entry: Record<string, unknown>): ParsedClickEvent {
  const fields = typeof entry.packed === "string" ? unpackedFields(entry, entry.packed) : entry;
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
