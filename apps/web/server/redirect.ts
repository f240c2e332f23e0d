/**
 * GET|HEAD|POST /:slug, answered before Next. Reads top to bottom: parse the
 * request, look the link up (cache first, recording an open link's click in
 * the same round trip), decide (unknown, expired, locked), record the click
 * if the lookup did not, answer.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import {
  isLinkUnlocked,
  linkUnlockCookieName,
  linkUnlockTtlSeconds,
  PasswordHashingBusyError,
  sealLinkUnlock,
  sealUnlockReferrer,
  sessionCookieAttributes,
  unlockReferrerCookieName,
  unlockReferrerTtlSeconds,
  unsealUnlockReferrer,
  verifyPassword,
} from "@hop/auth";
import { maxReferrerLength, recordClick, triggerOf, validReferrer, type ClickDraft } from "@hop/clicks";
import { asLocationHeader, isExpired, lookUpLink, passwordTag, servedLinkWhere } from "@hop/links";
import { createRateLimiter } from "@hop/redis";
import { unlockLinkInput } from "@hop/validators";
import { parse as parseCookies, serialize as serializeCookie } from "cookie";
import type { WebServices } from "../src/server/services";
import { clickEventId } from "./click-event-id";
import { clientAddress } from "./client-address";
import { securityHeaders } from "./security-headers";
import { linkExpiredPage, linkNotFoundPage, linkUnavailablePage, linkUnlockPage } from "./link-pages";
import { PristineDate } from "./pristine-date";

type Services = Pick<WebServices, "env" | "db" | "redis" | "sessionConfig" | "log">;

/** A password (at most 128 characters) and the carried referrer (at most 2048), both percent-encoded (at most three bytes a byte). */
const maxFormBytes = 8192;

function redirect(response: ServerResponse, status: number, location: string): void {
  // private, max-age=0: no browser or shared cache may skip the next visit (edits and clicks must be seen).
  // asLocationHeader: a cache entry written before targets were stored serialised may still hold raw text.
  // A flat [name, value, ...] list: Node writes it as it is, with no object of headers to walk per visit.
  response.writeHead(status, ["location", asLocationHeader(location), "cache-control", "private, max-age=0", "content-length", "0"]);
  response.end();
}

function sendPage(response: ServerResponse, status: number, html: string, headers: Record<string, string | string[]> = {}): void {
  response.writeHead(status, {
    "content-type": "text/html; charset=utf-8",
    "cache-control": "no-store",
    "content-length": Buffer.byteLength(html),
    ...securityHeaders(null),
    ...headers,
  });
  response.end(html);
}

function header(request: IncomingMessage, name: string): string | null {
  const value = request.headers[name];
  return (Array.isArray(value) ? value[0] : value) || null;
}

function draftClick(request: IncomingMessage, services: Services, now: Date): ClickDraft {
  const userAgent = header(request, "user-agent")?.slice(0, 1024) ?? null;
  const country = services.env.CLICK_COUNTRY_HEADER ? header(request, services.env.CLICK_COUNTRY_HEADER)?.toUpperCase() : undefined;
  return {
    eventId: clickEventId(request, services.env.TRUST_PROXY),
    occurredAt: now,
    referrer: header(request, "referer")?.slice(0, maxReferrerLength) ?? null,
    userAgent,
    country: country && /^[A-Z]{2}$/.test(country) ? country : null,
    // No visitor hash: ingestion computes it from the address, the user agent and this visit's day (off the hot path).
    // Transient: the worker finds the country and the visitor hash from it and drops it (never stored in PostgreSQL).
    ip: clientAddress(request, services.env.TRUST_PROXY),
    trigger: triggerOf(request.url),
  };
}

export async function answerShortLink(request: IncomingMessage, response: ServerResponse, slug: string, services: Services): Promise<void> {
  if (request.method === "POST") return unlockLink(request, response, slug, services);
  const now = new PristineDate();
  const click = request.method === "GET" ? draftClick(request, services, now) : null;
  const { link, clickRecorded, redisAvailable } = await lookUpLink({ db: services.db, redis: services.redis.redis }, slug, click);

  if (!link) return sendPage(response, 404, linkNotFoundPage(slug));
  if (isExpired(link, now.getTime())) {
    return link.expiredUrl ? redirect(response, 302, link.expiredUrl) : sendPage(response, 410, linkExpiredPage(slug));
  }
  if (link.passwordTag) {
    const cookies = parseCookies(request.headers.cookie ?? "");
    if (!(await isLinkUnlocked(cookies[linkUnlockCookieName(link.id)], link.id, link.passwordTag, services.sessionConfig.secrets))) {
      // The page the visitor came from rides along in the form, for the click counted once they are in.
      return sendPage(response, 401, linkUnlockPage(slug, null, validReferrer(header(request, "referer"))));
    }
    // Right after the unlock, this visit's Referer is Hop's own unlock page: the click gets the one the visitor arrived with (read once).
    const carried = await unsealUnlockReferrer(cookies[unlockReferrerCookieName(link.id)], link.id, services.sessionConfig.secrets);
    if (carried !== undefined) {
      response.setHeader("set-cookie", serializeCookie(unlockReferrerCookieName(link.id), "", linkCookieAttributes(request, slug, 0)));
      if (click) click.referrer = carried;
    }
  }
  if (click && !clickRecorded) {
    const deps = { db: services.db, redis: services.redis.redis, visitorHashSecret: services.env.VISITOR_HASH_SECRET };
    await recordClick(deps, { ...click, linkId: link.id }, redisAvailable);
  }
  redirect(response, link.status, link.url);
}

/** The unlock form's fields, or "too-large" as soon as the body passes maxFormBytes (the rest is drained, never kept). */
async function readForm(request: IncomingMessage): Promise<URLSearchParams | "too-large"> {
  if (Number(request.headers["content-length"] ?? 0) > maxFormBytes) return "too-large";
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    // Keep reading (and dropping) rather than breaking off: closing the stream early resets the connection before the 413 arrives.
    if (size <= maxFormBytes) chunks.push(chunk);
  }
  return size > maxFormBytes ? "too-large" : new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

/** A cookie that only this link's own path sees. */
function linkCookieAttributes(request: IncomingMessage, slug: string, maxAgeSeconds: number) {
  const requestUrl = new URL(request.url ?? "/", `http://${request.headers.host ?? "localhost"}`);
  return { ...sessionCookieAttributes(requestUrl, maxAgeSeconds), path: `/${slug}` };
}

/** POST /:slug from the unlock page: the password checked against its hash in PostgreSQL, then a sealed per-link cookie. */
async function unlockLink(request: IncomingMessage, response: ServerResponse, slug: string, services: Services): Promise<void> {
  const form = await readForm(request);
  if (form === "too-large") {
    return sendPage(response, 413, linkUnlockPage(slug, "That was far longer than any password: enter the password only", null), { connection: "close" });
  }
  // Checked like any Referer (an absolute http(s) URL, 2048 characters at most), and used for nothing but the click's referrer.
  const referrer = validReferrer(form.get("referrer"));
  const parsed = unlockLinkInput.safeParse({ password: form.get("password") ?? "" });
  if (!parsed.success) return sendPage(response, 400, linkUnlockPage(slug, parsed.error.issues[0]?.message ?? "Enter the password", referrer));

  const row = await services.db.link.findFirst({ where: servedLinkWhere(slug), select: { id: true, passwordHash: true, deletedAt: true } });
  if (!row || row.deletedAt) return sendPage(response, 404, linkNotFoundPage(slug));
  if (!row.passwordHash) return redirect(response, 303, `/${slug}`);

  const limit = await createRateLimiter(services.redis.redis, "linkUnlockPerIp")
    .consume(`${clientAddress(request, services.env.TRUST_PROXY)}:${row.id}`)
    .catch(() => null);
  // Fail closed: guesses are not let through because the limiter's store is away.
  if (!limit) return sendPage(response, 503, linkUnavailablePage());
  if (!limit.allowed)
    return sendPage(response, 429, linkUnlockPage(slug, `Too many attempts. Try again in ${limit.retryAfterSeconds} s.`, referrer), {
      "retry-after": String(limit.retryAfterSeconds),
    });

  const matches = await verifyPassword(row.passwordHash, parsed.data.password).catch((error: unknown) => {
    if (error instanceof PasswordHashingBusyError) return "busy" as const;
    throw error;
  });
  // This process is checking as many passwords as it may: a wait, not a failure (and not a wrong guess).
  if (matches === "busy")
    return sendPage(response, 503, linkUnlockPage(slug, "Too many password checks right now. Try again in a second.", referrer), { "retry-after": "1" });
  if (!matches) {
    return sendPage(response, 401, linkUnlockPage(slug, "That password is not right", referrer));
  }
  const sealed = await sealLinkUnlock(row.id, passwordTag(row.passwordHash), services.sessionConfig.secrets);
  const carried = await sealUnlockReferrer(row.id, referrer, services.sessionConfig.secrets);
  response.setHeader("set-cookie", [
    serializeCookie(linkUnlockCookieName(row.id), sealed, linkCookieAttributes(request, slug, linkUnlockTtlSeconds)),
    serializeCookie(unlockReferrerCookieName(row.id), carried, linkCookieAttributes(request, slug, unlockReferrerTtlSeconds)),
  ]);
  // 303: the browser follows with a GET, which redirects (and counts the click) like any visit.
  redirect(response, 303, `/${slug}`);
}

export { linkUnavailablePage };
