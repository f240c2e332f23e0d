import { z } from "zod";
import { plainText } from "./text";

/**
 * Paths of Hop itself (pages, API, assets) and words that would confuse
 * visitors: never a slug, in any letter case, so a short link can never
 * shadow a page and a page can never shadow a link.
 */
export const reservedSlugs: ReadonlySet<string> = new Set([
  "_next",
  "account",
  "admin",
  "analytics",
  "api",
  "app",
  "assets",
  "confirm-email",
  "dashboard",
  "favicon",
  "forgot-password",
  "health",
  "help",
  "hop",
  "links",
  "login",
  "logout",
  "new",
  "ready",
  "register",
  "reset-password",
  "robots",
  "settings",
  "signin",
  "signout",
  "signup",
  "sitemap",
  "static",
  "status",
  "system",
  "unlock",
  "www",
]);

export const slugPattern = /^[A-Za-z0-9_-]{1,64}$/;

export const slugSchema = plainText()
  .trim()
  .min(1, "Enter a slug, or leave it empty to get a generated one")
  .max(64, "Use at most 64 characters")
  .regex(/^[A-Za-z0-9_-]+$/, "Use only letters, digits, '-' and '_'")
  .refine((slug) => !reservedSlugs.has(slug.toLowerCase()), { message: "This word is reserved by Hop; choose another slug" })
  .refine((slug) => !slug.startsWith("__"), { message: "A slug cannot start with two underscores (reserved by Hop)" });

/** True when a path segment could be a link's slug (the redirect's first check). */
export function isSlugShaped(segment: string): boolean {
  return slugPattern.test(segment) && !segment.startsWith("__") && !reservedSlugs.has(segment.toLowerCase());
}

export const maxUrlLength = 2048;

// C0 controls, DEL and C1 controls: never part of a URL anyone meant to type
// (a pasted CR/LF would otherwise be silently dropped by the URL parser).
const controlCharacter = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * A link target: an absolute http(s) URL, stored and answered in its
 * WHATWG serialisation (`https://ja.wikipedia.org/wiki/日本` becomes
 * `.../wiki/%E6%97%A5%E6%9C%AC`, an IDN host its punycode), so it is always a
 * valid `Location` header. At most 2,048 characters once serialised.
 */
export const targetUrlSchema = z
  .string()
  .trim()
  .min(1, "Enter the URL to shorten")
  .max(maxUrlLength, `Use at most ${maxUrlLength} characters`)
  .superRefine((value, ctx) => {
    if (controlCharacter.test(value)) {
      ctx.addIssue({ code: "custom", message: "A URL cannot contain control characters such as line breaks or tabs" });
      return;
    }
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: "custom", message: "Enter a full URL, like https://example.com/page" });
      return;
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      ctx.addIssue({ code: "custom", message: "Only http:// and https:// links can be shortened" });
    } else if (!url.hostname) {
      ctx.addIssue({ code: "custom", message: "Enter a full URL, like https://example.com/page" });
    } else if (url.href.length > maxUrlLength) {
      ctx.addIssue({ code: "custom", message: `Use at most ${maxUrlLength} characters (letters outside ASCII count as their encoded form)` });
    }
  })
  .transform((value) => new URL(value).href);

export const redirectStatuses = [301, 302, 307, 308] as const;
export const redirectStatusSchema = z.union(redirectStatuses.map((status) => z.literal(status)));
export type RedirectStatusCode = (typeof redirectStatuses)[number];

const utmValue = plainText().trim().max(200, "Use at most 200 characters");
export const utmSchema = z.object({
  source: utmValue.optional(),
  medium: utmValue.optional(),
  campaign: utmValue.optional(),
  term: utmValue.optional(),
  content: utmValue.optional(),
});
export type UtmParameters = z.infer<typeof utmSchema>;
export const utmKeys = ["source", "medium", "campaign", "term", "content"] as const;

export const tagNameSchema = plainText().trim().min(1, "A tag cannot be empty").max(32, "Use at most 32 characters per tag");
/** The most tags one link carries (the form counts against it too). */
export const maxTagsPerLink = 10;
export const tagsSchema = z
  .array(tagNameSchema)
  .max(maxTagsPerLink, `Use at most ${maxTagsPerLink} tags`)
  .transform((tags) => [...new Set(tags)]);

export const linkPasswordSchema = plainText().min(4, "Use at least 4 characters").max(128, "Use at most 128 characters");

const titleSchema = plainText().trim().max(200, "Use at most 200 characters");

const linkOptions = {
  title: titleSchema.nullable().optional(),
  // Capped at the year 9999: PostgreSQL keeps later dates that JavaScript cannot read back (an answer would carry an invalid date).
  expiresAt: z.date().max(new Date("9999-12-31T23:59:59.999Z"), "Choose a date before the year 10000").nullable().optional(),
  /** Where an expired link sends visitors; without it they see "link expired". */
  expiredUrl: targetUrlSchema.nullable().optional(),
  password: linkPasswordSchema.nullable().optional(),
  redirectStatus: redirectStatusSchema.optional(),
  utm: utmSchema.optional(),
  tags: tagsSchema.optional(),
};

const expiryIsInFuture = (input: { expiresAt?: Date | null | undefined }) => !input.expiresAt || input.expiresAt.getTime() > Date.now();
const expiryMessage = { path: ["expiresAt"], message: "Choose a time in the future" };

export const createLinkInput = z
  .object({
    url: targetUrlSchema,
    /** Empty or absent: Hop generates one. */
    slug: z.union([z.literal(""), slugSchema]).optional(),
    ...linkOptions,
  })
  .refine(expiryIsInFuture, expiryMessage);
export type CreateLinkInput = z.input<typeof createLinkInput>;

export const updateLinkInput = z
  .object({
    id: plainText().min(1).max(64),
    url: targetUrlSchema.optional(),
    slug: slugSchema.optional(),
    /** `password`: a string sets it, null removes it, absent keeps it. */
    ...linkOptions,
  })
  .refine(expiryIsInFuture, expiryMessage);
export type UpdateLinkInput = z.input<typeof updateLinkInput>;

export const linkIdInput = z.object({ id: plainText().min(1).max(64) });

/** A link named by its slug (Shlink's short code, dub's key): any text, since an unknown slug is only "not found". */
export const linkSlugInput = z.object({ slug: plainText().trim().min(1).max(64) });

export const linkSortSchema = z.enum(["newest", "oldest", "most-clicked", "slug"]);
export type LinkSort = z.infer<typeof linkSortSchema>;

export const listLinksInput = z.object({
  search: plainText().trim().max(200).optional(),
  tag: plainText().trim().max(32).optional(),
  sort: linkSortSchema.default("newest"),
  limit: z.number().int().min(1).max(100).default(20),
  /** The id of the last link of the previous page. */
  cursor: plainText().max(64).nullish(),
  /** Links to skip before the page, for clients that page by number (Shlink's and dub's APIs); ignored with a cursor. */
  offset: z.number().int().min(0).max(100_000).optional(),
});
export type ListLinksInput = z.input<typeof listLinksInput>;

/** The unlock form of a password-protected link (any character: a password is checked, never stored, and may predate the control-character rule). */
export const unlockLinkInput = z.object({ password: z.string().min(1, "Enter the password").max(128) });

/** The periods a link's stats page offers, in days up to and including today (UTC). */
export const statsRanges = [7, 30, 90] as const;
export type StatsRange = (typeof statsRanges)[number];

export const linkStatsInput = z.object({
  id: plainText().min(1).max(64),
  // Any number of days up to 90 (the page offers statsRanges): a REST query parameter must be a plain number (trpc-to-openapi coerces it from the query string).
  days: z.number().int().min(1, "Ask for at least 1 day").max(90, "Ask for at most 90 days").default(30),
});
export type LinkStatsInput = z.input<typeof linkStatsInput>;

/** The most links one bulk create takes: each is created (and rate-limited) like a single create. */
export const maxBulkLinks = 100;

export const createManyLinksInput = z.object({
  links: z.array(createLinkInput).min(1, "Send at least one link").max(maxBulkLinks, `Send at most ${maxBulkLinks} links at once`),
});
export type CreateManyLinksInput = z.input<typeof createManyLinksInput>;

/**
 * The query parameter a link's QR code carries (`https://hop.example/slug?qr=1`): the redirect counts such visits
 * as QR scans (trigger "qr") and sends them to the same destination.
 */
export const clickQrMarker = { name: "qr", value: "1" } as const;

/** The URL a link's QR code encodes: the short URL with the QR marker. */
export function qrScanUrl(shortUrl: string): string {
  const url = new URL(shortUrl);
  url.searchParams.set(clickQrMarker.name, clickQrMarker.value);
  return url.toString();
}
