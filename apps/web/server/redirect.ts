/**
 * GET|HEAD|POST /:slug, answered before Next. Reads top to bottom: parse the
 * request, look the link up (cache first, recording an open link's click in
 * the same round trip), decide (unknown, expired, locked), record the click
 * if the lookup did not, answer.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import {
  isLinkUnlocked,
  linkUnlockCookieName,
  linkUnlockTtlSeconds,
  PasswordHashingBusyError,
  sealLinkUnlock,
  sessionCookieAttributes,
  verifyPassword,
} from "@hop/auth";
import { visitorHash } from "@hop/clicks";
import { asLocationHeader, isExpired, lookUpLink, passwordTag, recordClick, type ClickDraft } from "@hop/links";
import { createRateLimiter } from "@hop/redis";
import { unlockLinkInput } from "@hop/validators";
import { parse as parseCookies, serialize as serializeCookie } from "cookie";
import type { WebServices } from "../src/server/services";
import { clientAddress } from "./client-address";
import { securityHeaders } from "./security-headers";
import { linkExpiredPage, linkNotFoundPage, linkUnavailablePage, linkUnlockPage } from "./link-pages";

type Services = Pick<WebServices, "env" | "db" | "redis" | "sessionConfig" | "log">;

const maxFormBytes = 4096;

function redirect(response: ServerResponse, status: number, location: string): void {
  // private, max-age=0: no browser or shared cache may skip the next visit (edits and clicks must be seen).
  // asLocationHeader: a cache entry written before targets were stored serialised may still hold raw text.
  response.writeHead(status, { location: asLocationHeader(location), "cache-control": "private, max-age=0", "content-length": 0 });
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
    eventId: randomUUID(),
    occurredAt: now,
    referrer: header(request, "referer")?.slice(0, 2048) ?? null,
    userAgent,
    country: country && /^[A-Z]{2}$/.test(country) ? country : null,
    visitorHash: visitorHash(services.env.VISITOR_HASH_SECRET, clientAddress(request, services.env.TRUST_PROXY), userAgent, now),
  };
}

export async function answerShortLink(request: IncomingMessage, response: ServerResponse, slug: string, services: Services): Promise<void> {
  if (request.method === "POST") return unlockLink(request, response, slug, services);
  const now = new Date();
  const click = request.method === "GET" ? draftClick(request, services, now) : null;
  const { link, clickRecorded, redisAvailable } = await lookUpLink({ db: services.db, redis: services.redis.redis }, slug, click);

  if (!link) return sendPage(response, 404, linkNotFoundPage(slug));
  if (isExpired(link, now.getTime())) {
    return link.expiredUrl ? redirect(response, 302, link.expiredUrl) : sendPage(response, 410, linkExpiredPage(slug));
  }
  if (link.passwordTag) {
    const cookie = parseCookies(request.headers.cookie ?? "")[linkUnlockCookieName(link.id)];
    if (!(await isLinkUnlocked(cookie, link.id, link.passwordTag, services.sessionConfig.secrets))) {
      return sendPage(response, 401, linkUnlockPage(slug, null));
    }
  }
  if (click && !clickRecorded) await recordClick({ db: services.db, redis: services.redis.redis }, { ...click, linkId: link.id }, redisAvailable);
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

/** POST /:slug from the unlock page: the password checked against its hash in PostgreSQL, then a sealed per-link cookie. */
async function unlockLink(request: IncomingMessage, response: ServerResponse, slug: string, services: Services): Promise<void> {
  const form = await readForm(request);
  if (form === "too-large") {
    return sendPage(response, 413, linkUnlockPage(slug, "That was far longer than any password: enter the password only"), { connection: "close" });
  }
  const parsed = unlockLinkInput.safeParse({ password: form.get("password") ?? "" });
  if (!parsed.success) return sendPage(response, 400, linkUnlockPage(slug, parsed.error.issues[0]?.message ?? "Enter the password"));

  const row = await services.db.link.findUnique({ where: { slug }, select: { id: true, passwordHash: true, deletedAt: true } });
  if (!row || row.deletedAt) return sendPage(response, 404, linkNotFoundPage(slug));
  if (!row.passwordHash) return redirect(response, 303, `/${slug}`);

  const limit = await createRateLimiter(services.redis.redis, "linkUnlockPerIp")
    .consume(`${clientAddress(request, services.env.TRUST_PROXY)}:${row.id}`)
    .catch(() => null);
  // Fail closed: guesses are not let through because the limiter's store is away.
  if (!limit) return sendPage(response, 503, linkUnavailablePage());
  if (!limit.allowed)
    return sendPage(response, 429, linkUnlockPage(slug, `Too many attempts. Try again in ${limit.retryAfterSeconds} s.`), {
      "retry-after": String(limit.retryAfterSeconds),
    });

  const matches = await verifyPassword(row.passwordHash, parsed.data.password).catch((error: unknown) => {
    if (error instanceof PasswordHashingBusyError) return "busy" as const;
    throw error;
  });
  // This process is checking as many passwords as it may: a wait, not a failure (and not a wrong guess).
  if (matches === "busy")
    return sendPage(response, 503, linkUnlockPage(slug, "Too many password checks right now. Try again in a second."), { "retry-after": "1" });
  if (!matches) {
    return sendPage(response, 401, linkUnlockPage(slug, "That password is not right"));
  }
  const sealed = await sealLinkUnlock(row.id, passwordTag(row.passwordHash), services.sessionConfig.secrets);
  const requestUrl = new URL(request.url ?? "/", `http://${request.headers.host ?? "localhost"}`);
  const attributes = { ...sessionCookieAttributes(requestUrl, linkUnlockTtlSeconds), path: `/${slug}` };
  response.setHeader("set-cookie", serializeCookie(linkUnlockCookieName(row.id), sealed, attributes));
  // 303: the browser follows with a GET, which redirects (and counts the click) like any visit.
  redirect(response, 303, `/${slug}`);
}

export { linkUnavailablePage };
