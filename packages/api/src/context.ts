import { resolveSession, sessionCookieAttributes, sessionCookieName, type SessionConfig, type SessionUser } from "@hop/auth";
import type { Database } from "@hop/db";
import type { Redis } from "@hop/redis";
import type { ApiKeyScope } from "@hop/validators";
import { parse as parseCookies, serialize as serializeCookie } from "cookie";
import { redisRetryAfterSeconds, serviceUnavailable } from "./errors";

export type { SessionUser };

/** Who an API key speaks for and what it may do (see api-keys/authenticate.ts). */
export interface ApiKeyPrincipal {
  id: string;
  userId: string;
  scopes: ApiKeyScope[];
  /**
   * The key's cached entry vouches that its account is in use (not scheduled
   * for deletion): entries are held before a deletion is scheduled, so
   * protectedProcedure needs no read of its own. False: it reads PostgreSQL.
   */
  accountInUse: boolean;
}

export interface CreateContextOptions {
  db: Database;
  redis: Redis;
  /** The id of the process answering (web instance), for diagnostics. */
  instanceId: string;
  /**
   * The incoming request's URL and headers (cookies among them): a fetch
   * `Request` will do, but a server that has none need not build one (a whole
   * Request per call is a measurable share of a machine API read's CPU).
   */
  request: Pick<Request, "url" | "headers">;
  /** Headers of the response; Set-Cookie is added here. */
  responseHeaders: Headers;
  sessionConfig: SessionConfig;
  /** The client's address as the web server saw it. */
  clientIp: string;
  /** Where short links are served (e.g. https://hop.example); the request's own origin when not configured. */
  shortLinkBaseUrl?: string | undefined;
  /** Emails of the accounts that may use `system.*` (OPERATOR_EMAILS, normalised); none when not given. */
  operatorEmails?: readonly string[] | undefined;
  /** Where Hop's pages are served, for links in mail (PUBLIC_URL); the request's own origin when not configured. */
  appBaseUrl?: string | undefined;
  /** Days between asking to delete an account and its deletion (ACCOUNT_DELETION_GRACE_DAYS); 7 when not given. */
  accountDeletionGraceDays?: number | undefined;
  /** The process's running work, which a stop waits for before closing the connections (see `RunningWork`). */
  runningWork?: RunningWork | undefined;
}

/**
 * What a process is still doing, which its stop waits for before it closes
 * PostgreSQL and Redis. Procedures count themselves in it: a streamed tRPC
 * batch answers at once and runs its procedures behind the response, so the
 * HTTP handler's promise does not cover them.
 */
export interface RunningWork {
  track<T>(work: Promise<T>): Promise<T>;
}

/** How long a deleted account can still be kept by signing in, unless ACCOUNT_DELETION_GRACE_DAYS says otherwise. */
export const defaultAccountDeletionGraceDays = 7;

/**
 * What every procedure gets. The process builds the clients once and passes
 * them in per request; nothing here outlives the request except connections.
 */
export interface TRPCContext {
  db: Database;
  redis: Redis;
  instanceId: string;
  headers: Headers;
  clientIp: string;
  userAgent: string | null;
  /** Origin of short links, without a trailing slash: `${shortLinkBaseUrl}/${slug}`. */
  shortLinkBaseUrl: string;
  sessionConfig: SessionConfig;
  /** Emails of the operators' accounts (OPERATOR_EMAILS), normalised like stored emails. */
  operatorEmails: readonly string[];
  /** Origin of Hop's pages, without a trailing slash: links in mail start with it. */
  appBaseUrl: string;
  /** Days between asking to delete an account and its deletion. */
  accountDeletionGraceDays: number;
  /** The signed-in session, checked once per request on first use; 503 when Redis cannot be asked. */
  getSession(): Promise<SessionUser | null>;
  /** The API key the request was made with (REST, tRPC with a key), or null for the browser's session-cookie requests. */
  apiKey: ApiKeyPrincipal | null;
  setSessionCookie(sealed: string): void;
  clearSessionCookie(): void;
  /** Set only by an import's worker: the file rows this call creates links for (see imports/run.ts). */
  importRows?: ImportRowsContext | undefined;
  /** Where the process counts running procedures (the web's stop waits for them); absent where nothing waits. */
  runningWork?: RunningWork | undefined;
}

/**
 * The rows of an import a links.create/createMany call is for, in the order
 * of its links: each recorded with its link in the link's own transaction, so
 * a row handled twice (a worker killed after the commit) can never create a
 * second link.
 */
export interface ImportRowsContext {
  importId: string;
  rows: ReadonlyArray<{
    rowIndex: number;
    /** The creation date the file gives, kept on the link. */
    createdAt: Date | null;
  }>;
}

export function createTRPCContext(options: CreateContextOptions): TRPCContext {
  const url = new URL(options.request.url);
  const cookieValue = parseCookies(options.request.headers.get("cookie") ?? "")[sessionCookieName];
  let session: Promise<SessionUser | null> | undefined;
  // The last word on the session cookie replaces any earlier one in the same response (a password change seals it twice).
  const setCookie = (value: string, maxAge: number) => {
    const others = options.responseHeaders.getSetCookie().filter((cookie) => !cookie.startsWith(`${sessionCookieName}=`));
    options.responseHeaders.delete("set-cookie");
    for (const cookie of others) options.responseHeaders.append("set-cookie", cookie);
    options.responseHeaders.append("set-cookie", serializeCookie(sessionCookieName, value, sessionCookieAttributes(url, maxAge)));
  };
  return {
    db: options.db,
    redis: options.redis,
    instanceId: options.instanceId,
    headers: options.request.headers,
    clientIp: options.clientIp,
    shortLinkBaseUrl: (options.shortLinkBaseUrl ?? url.origin).replace(/\/+$/, ""),
    userAgent: options.request.headers.get("user-agent"),
    sessionConfig: options.sessionConfig,
    operatorEmails: options.operatorEmails ?? [],
    appBaseUrl: (options.appBaseUrl ?? url.origin).replace(/\/+$/, ""),
    accountDeletionGraceDays: options.accountDeletionGraceDays ?? defaultAccountDeletionGraceDays,
    runningWork: options.runningWork,
    getSession: () => {
      session ??= resolveSession(options.redis, options.sessionConfig, cookieValue).catch((error: unknown) => {
        throw serviceUnavailable("Sessions cannot be checked right now (the session store is unreachable). Try again shortly.", redisRetryAfterSeconds, error);
      });
      return session;
    },
    apiKey: null,
    setSessionCookie: (sealed) => setCookie(sealed, options.sessionConfig.ttlSeconds),
    clearSessionCookie: () => setCookie("", 0),
  };
}

export interface UserJobContextOptions {
  db: Database;
  redis: Redis;
  instanceId: string;
  userId: string;
  /** Names the job in the session's place (e.g. `import:<id>`), for logs and rate-limit keys. */
  sessionId: string;
  /** The job's own name as a user agent (e.g. `hop-import`). */
  userAgent: string;
  shortLinkBaseUrl: string;
  headers?: Headers;
  importRows?: ImportRowsContext;
}

/**
 * The context of work the worker does for a user through the procedures (an
 * import, an export), as if they had called them themselves: the user fixed,
 * no cookie session, no API key.
 */
export function createUserJobContext(options: UserJobContextOptions): TRPCContext {
  const session = Promise.resolve({ userId: options.userId, sessionId: options.sessionId });
  return {
    db: options.db,
    redis: options.redis,
    instanceId: options.instanceId,
    headers: options.headers ?? new Headers(),
    clientIp: "127.0.0.1",
    userAgent: options.userAgent,
    shortLinkBaseUrl: options.shortLinkBaseUrl,
    // Never read: getSession below answers without a cookie.
    sessionConfig: { secrets: {}, ttlSeconds: 0 },
    operatorEmails: [],
    appBaseUrl: options.shortLinkBaseUrl,
    accountDeletionGraceDays: 0,
    getSession: () => session,
    apiKey: null,
    setSessionCookie: () => undefined,
    clearSessionCookie: () => undefined,
    ...(options.importRows ? { importRows: options.importRows } : {}),
  };
}
