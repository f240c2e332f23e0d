/**
 * The Shlink (`/rest`) and dub (`/api/dub`) APIs, answered by this server
 * itself like the redirect (a Next route handler is several times slower,
 * and machine-facing APIs have a 3x budget over one). The adapters live in
 * @hop/api-compat; this file only moves bytes: it reads the body, hands the
 * request's key to the same key check as REST /api/v1 (the key's user and
 * scopes become the procedures' context), and writes the answer.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { createApiKeyContext, createCaller } from "@hop/api";
import {
  BodyNotJsonError,
  type CompatRequest,
  type CompatResponse,
  dubPrefix,
  handleDubRequest,
  handleShlinkRequest,
  shlinkKeyHeader,
  shlinkPrefix,
} from "@hop/api-compat";
import type { getWebServices } from "../src/server/services";

type WebServices = ReturnType<typeof getWebServices>;

const isBelow = (path: string, prefix: string) => path === prefix || path.startsWith(`${prefix}/`);

/** True when the path is one of the adapted APIs' (then `answerCompatApi` answers it). */
export function isCompatApiPath(path: string): boolean {
  return isBelow(path, shlinkPrefix) || isBelow(path, dubPrefix);
}

class BodyTooLargeError extends Error {}

async function readBody(request: IncomingMessage, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BodyTooLargeError();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function send(response: ServerResponse, answer: CompatResponse, extraHeaders: Headers): void {
  const payload = answer.body === undefined ? "" : JSON.stringify(answer.body);
  const headers: Record<string, string> = { "cache-control": "no-store" };
  for (const [name, value] of extraHeaders) headers[name] = value;
  if (payload) headers["content-type"] = "application/json";
  Object.assign(headers, answer.headers);
  headers["content-length"] = String(Buffer.byteLength(payload));
  response.writeHead(answer.status, headers);
  response.end(payload);
}

/**
 * Answers one request below /rest or /api/dub. `origin` and `clientIp` are
 * what this server computed for the request (never headers the client chose).
 */
export async function answerCompatApi(
  request: IncomingMessage,
  response: ServerResponse,
  services: WebServices,
  at: { path: string; origin: string | null; clientIp: string },
): Promise<void> {
  const { env } = services;
  const shlink = isBelow(at.path, shlinkPrefix);
  const url = new URL(request.url ?? "/", at.origin ?? `http://${request.headers.host ?? "localhost"}`);
  const shortLinkBaseUrl = env.SHORT_LINK_BASE_URL ?? at.origin ?? url.origin;
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (typeof value === "string") headers.set(name, value);
    else if (Array.isArray(value)) headers.set(name, value.join(", "));
  }
  // Shlink sends its key as X-Api-Key; the key check reads it where REST and dub send theirs.
  const shlinkKey = headers.get(shlinkKeyHeader);
  if (shlink && shlinkKey) headers.set("authorization", `Bearer ${shlinkKey}`);
  const responseHeaders = new Headers();
  let body: string | undefined;
  const compatRequest: CompatRequest = {
    method: request.method ?? "GET",
    path: at.path.slice((shlink ? shlinkPrefix : dubPrefix).length),
    query: url.searchParams,
    headers,
    readJson: async () => {
      body ??= await readBody(request, env.MAX_REQUEST_BODY_BYTES);
      if (body === "") return undefined;
      try {
        return JSON.parse(body) as unknown;
      } catch {
        throw new BodyNotJsonError();
      }
    },
    caller: async () =>
      createCaller(
        await createApiKeyContext({
          db: services.db,
          redis: services.redis.redis,
          instanceId: services.instance.id,
          request: { url: url.href, headers },
          responseHeaders,
          sessionConfig: services.sessionConfig,
          clientIp: at.clientIp,
          shortLinkBaseUrl,
          appBaseUrl: env.PUBLIC_URL ?? at.origin ?? undefined,
          operatorEmails: env.OPERATOR_EMAILS,
          apiKeyRateLimit: env.API_KEY_RATE_LIMIT_PER_MINUTE === undefined ? undefined : { limit: env.API_KEY_RATE_LIMIT_PER_MINUTE, windowSeconds: 60 },
        }),
      ),
  };
  const options = { shortLinkHost: new URL(shortLinkBaseUrl).host };
  try {
    const answer = shlink ? await handleShlinkRequest(compatRequest, options) : await handleDubRequest(compatRequest, options);
    send(response, answer, responseHeaders);
  } catch (error) {
    if (!(error instanceof BodyTooLargeError)) throw error;
    send(
      response,
      {
        status: 413,
        headers: { connection: "close" },
        body: { error: { code: "payload_too_large", message: `Request bodies are limited to ${env.MAX_REQUEST_BODY_BYTES} bytes` } },
      },
      responseHeaders,
    );
  }
}
