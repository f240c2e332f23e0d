import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import http, { type IncomingMessage } from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import { lookup as dnsLookup } from "node:dns/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { once } from "node:events";
import type { Transform } from "node:stream";
import { createBrotliDecompress, createGunzip, createInflate } from "node:zlib";
import { ipLiteralOf, refusalOf } from "./address-policy";

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to every address it has (the system resolver by default; tests inject a hosts table). */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: Resolver = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map((entry) => ({ address: entry.address, family: entry.family === 6 ? 6 : 4 }));

export interface SafeFetchOptions {
  resolve?: Resolver;
  /** Tests only: let loopback addresses through (never private, link-local or metadata ones). */
  allowLoopback?: boolean;
  /** The whole fetch, redirects included. */
  timeoutMs: number;
  /** Body bytes written to the temp file at most (after decompression); the rest is not read. */
  maxBytes: number;
  maxRedirects?: number;
  /** Where the temp folder is made; the OS temp dir by default. */
  tempDir?: string;
  /** Request headers added to the defaults (an API import's key: use with maxRedirects 0, so it goes to that server only). */
  headers?: Record<string, string>;
}

export interface FetchedPage {
  /** The URL that answered, after redirects. */
  url: string;
  status: number;
  /** The media type without parameters, lower-case ("text/html"), or null. */
  mediaType: string | null;
  /** The charset parameter of Content-Type, or null. */
  charset: string | null;
  /** The body, up to maxBytes, in a temp file that is deleted when the callback ends. */
  file: string;
  bytes: number;
  truncated: boolean;
}

/** A fetch that did not give a page; `permanent` says whether trying again could help. */
/**
 * Why a page could not be fetched. `message` is for the log (host names,
 * DNS answers, internal addresses); `reason` is what the link's owner is
 * shown, which must not reveal what the worker's network looks like.
 */
export class PageFetchError extends Error {
  override readonly name = "PageFetchError";
  constructor(
    message: string,
    readonly permanent: boolean,
    readonly reason: string,
  ) {
    super(message);
  }
}

const reasons = {
  notPublic: "The page's address is not a public one, so Hop does not fetch it",
  notFetchable: "Hop only fetches public http(s) pages without credentials in the URL",
  unknownHost: "The page's host name could not be found",
  unreachable: "The page's server could not be reached",
  timeout: "The page took too long to answer",
  redirects: "The page redirects too often, or without saying where",
  unreadable: "The page could not be read completely",
} as const;

const redirectStatuses = new Set([301, 302, 303, 307, 308]);

/**
 * Checks every address a host name resolves to (all must be allowed, so a
 * name cannot smuggle a private address beside a public one) inside the
 * connection's own lookup: the address checked is the address connected
 * to, with no second resolution in between.
 */
export function guardedLookup(resolve: Resolver, allowLoopback: boolean): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (addresses) => {
        const refusal = addresses.length === 0 ? `${hostname} has no address` : addresses.map((entry) => refusalOf(entry.address, allowLoopback)).find(Boolean);
        if (refusal)
          return callback(
            new PageFetchError(`refused: ${hostname} resolves to a forbidden address (${refusal})`, true, reasons.notPublic) as NodeJS.ErrnoException,
            "",
            4,
          );
        const wanted = options.family === 4 || options.family === 6 ? addresses.filter((entry) => entry.family === options.family) : addresses;
        if (options.all) return callback(null, wanted);
        const first = wanted[0];
        if (!first)
          return callback(new PageFetchError(`${hostname} has no IPv${options.family} address`, false, reasons.unknownHost) as NodeJS.ErrnoException, "", 4);
        callback(null, first.address, first.family);
      },
      (error: unknown) =>
        callback(new PageFetchError(`${hostname} could not be resolved (${String(error)})`, false, reasons.unknownHost) as NodeJS.ErrnoException, "", 4),
    );
  };
}

export function checkUrl(url: URL, allowLoopback: boolean): void {
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new PageFetchError(`refused: ${url.protocol} is not http(s)`, true, reasons.notFetchable);
  if (url.username || url.password) throw new PageFetchError("refused: URLs with credentials are not fetched", true, reasons.notFetchable);
  const literal = ipLiteralOf(url.hostname);
  // An IP literal is connected to without a lookup: check it here.
  const refusal = literal ? refusalOf(literal, allowLoopback) : null;
  if (refusal) throw new PageFetchError(`refused: ${refusal}`, true, reasons.notPublic);
}

function request(
  url: URL,
  options: Required<Pick<SafeFetchOptions, "resolve" | "allowLoopback">> & Pick<SafeFetchOptions, "headers">,
  signal: AbortSignal,
): Promise<IncomingMessage> {
  return new Promise((resolvePromise, reject) => {
    const client = url.protocol === "https:" ? https : http;
    const req = client.request(url, {
      method: "GET",
      lookup: guardedLookup(options.resolve, options.allowLoopback),
      // No connection reuse: every connection goes through the check.
      agent: false,
      signal,
      headers: {
        "user-agent": "Mozilla/5.0 (compatible; HopLinkPreview/1.0)",
        accept: "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1",
        "accept-encoding": "gzip, deflate, br",
        ...options.headers,
      },
    });
    req.once("response", resolvePromise);
    req.once("error", reject);
    req.end();
  });
}

function decoderOf(response: IncomingMessage): Transform | null {
  const encoding = String(response.headers["content-encoding"] ?? "")
    .trim()
    .toLowerCase();
  if (encoding === "gzip" || encoding === "x-gzip") return createGunzip();
  if (encoding === "deflate") return createInflate();
  if (encoding === "br") return createBrotliDecompress();
  return null;
}

/** Writes at most `maxBytes` of the body to `file`, then stops reading (the connection is closed, the rest never downloaded). */
async function saveBody(response: IncomingMessage, file: string, maxBytes: number): Promise<{ bytes: number; truncated: boolean }> {
  const decoder = decoderOf(response);
  if (decoder) response.once("error", (error) => decoder.destroy(error));
  const body: AsyncIterable<Buffer> = decoder ? response.pipe(decoder) : response;
  const out = createWriteStream(file);
  const written = once(out, "close");
  let bytes = 0;
  let truncated = false;
  try {
    for await (const chunk of body) {
      const room = maxBytes - bytes;
      const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
      bytes += part.length;
      if (!out.write(part)) await once(out, "drain");
      if (bytes >= maxBytes) {
        truncated = true;
        break;
      }
    }
  } finally {
    out.end();
    decoder?.destroy();
    response.destroy();
  }
  await written;
  return { bytes, truncated };
}

/**
 * Fetches a page for its metadata, safely: http(s) only; every address it
 * connects to (the first URL's and each redirect's) must be public (see
 * refusalOf); at most `maxRedirects` (3) redirects; one deadline for all of
 * it; at most `maxBytes` of body, written to a temp file that exists only
 * while `use` runs and is deleted after it, whether it succeeds or throws.
 */
export async function withFetchedPage<T>(target: string, options: SafeFetchOptions, use: (page: FetchedPage) => Promise<T>): Promise<T> {
  const settings = { resolve: options.resolve ?? systemResolver, allowLoopback: options.allowLoopback ?? false, headers: options.headers };
  const maxRedirects = options.maxRedirects ?? 3;
  const signal = AbortSignal.timeout(options.timeoutMs);
  const folder = await mkdtemp(join(options.tempDir ?? tmpdir(), "hop-metadata-"));
  try {
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      throw new PageFetchError(`not a URL: ${target.slice(0, 200)}`, true, reasons.notFetchable);
    }
    for (let redirects = 0; ; redirects++) {
      checkUrl(url, settings.allowLoopback);
      const response = await request(url, settings, signal).catch((error: unknown) => {
        if (error instanceof PageFetchError) throw error;
        if (signal.aborted) throw new PageFetchError(`timed out after ${options.timeoutMs} ms`, false, reasons.timeout);
        throw new PageFetchError(`${url.host}: ${error instanceof Error ? error.message : String(error)}`, false, reasons.unreachable);
      });
      const status = response.statusCode ?? 0;
      if (redirectStatuses.has(status)) {
        response.resume();
        const location = response.headers.location;
        if (!location) throw new PageFetchError(`HTTP ${status} without a Location`, true, reasons.redirects);
        if (redirects >= maxRedirects) throw new PageFetchError(`more than ${maxRedirects} redirects`, true, reasons.redirects);
        url = new URL(location, url);
        continue;
      }
      if (status < 200 || status >= 300) {
        response.resume();
        // 4xx (but 408 and 429) will not change by asking again.
        throw new PageFetchError(
          `HTTP ${status} from ${url.host}`,
          status >= 400 && status < 500 && status !== 408 && status !== 429,
          `The page answered HTTP ${status}`,
        );
      }
      const contentType = String(response.headers["content-type"] ?? "");
      const [mediaType = "", ...parameters] = contentType.split(";").map((part) => part.trim());
      const charset =
        parameters
          .find((part) => part.toLowerCase().startsWith("charset="))
          ?.slice(8)
          .replace(/"/g, "") ?? null;
      const file = join(folder, "page");
      const saved = await saveBody(response, file, options.maxBytes).catch((error: unknown) => {
        if (signal.aborted) throw new PageFetchError(`timed out after ${options.timeoutMs} ms`, false, reasons.timeout);
        throw new PageFetchError(`reading ${url.host}: ${error instanceof Error ? error.message : String(error)}`, false, reasons.unreadable);
      });
      return await use({ url: url.toString(), status, mediaType: mediaType.toLowerCase() || null, charset, file, ...saved });
    }
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
