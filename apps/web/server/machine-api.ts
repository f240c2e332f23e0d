/**
 * The machine-facing API, answered by this server before Next (a Next route
 * handler is several times slower here, see docs/benchmarks.md):
 * - /api/v1/...          REST, generated from the tRPC procedures' `meta.openapi` (trpc-to-openapi)
 * - /api/v1/trpc/...     the same procedures over tRPC (what @hop/client speaks)
 * - /api/v1/openapi.json the OpenAPI 3.1 document; /docs/api its reference page (Scalar, served from node_modules)
 * Every call authenticates with an API key (`createApiKeyContext`): the key's
 * user, its scopes (checked per procedure) and its rate limit.
 */
import { createReadStream } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { apiDocument, appRouter, createApiKeyContext, retryAfterSecondsOf, type TRPCContext } from "@hop/api";
import { maxBatchSize } from "@hop/validators";
import { nodeHTTPRequestHandler } from "@trpc/server/adapters/node-http";
import { createOpenApiNodeHttpHandler } from "trpc-to-openapi";
import type { WebServices } from "../src/server/services";
import { clientAddress } from "./client-address";
import { requestOrigin } from "./request-origin";

type Services = Pick<WebServices, "env" | "db" | "redis" | "sessionConfig" | "log" | "instance">;

const restPrefix = "/api/v1";
const trpcPrefix = "/api/v1/trpc/";
const documentPath = "/api/v1/openapi.json";
const docsPath = "/docs/api";
const docsScriptPath = "/docs/api/reference.js";

// The document is a function of the build (procedures and schemas), not of any request: made once per process.
const document = JSON.stringify(apiDocument(restPrefix));

// Scalar's prebuilt browser bundle, from the installed package (its exports do not name the file, so it is found beside the entry).
const scalarBundle = join(dirname(createRequire(import.meta.url).resolve("@scalar/api-reference")), "browser", "standalone.js");

// Scalar's own fonts, telemetry, hosted AI agent and developer tools are off: the page needs nothing but this server.
const docsPage = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Hop API reference</title></head>
<body>
<script id="api-reference" data-url="${documentPath}" data-configuration='{"withDefaultFonts":false,"hideClientButton":true,"telemetry":false,"showDeveloperTools":"never","agent":{"disabled":true}}'></script>
<script src="${docsScriptPath}"></script>
</body>
</html>`;

const errorBody = (code: string, message: string) => JSON.stringify({ message, code });

function sendJson(response: ServerResponse, status: number, payload: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, { "content-type": "application/json", "cache-control": "no-store", "content-length": Buffer.byteLength(payload), ...headers });
  response.end(payload);
}

/** The JSON body of a REST call, at most `limit` bytes; "too-large" or "invalid" otherwise (the rest is drained, never kept). */
async function readJsonBody(request: IncomingMessage, limit: number): Promise<{ body: unknown } | "too-large" | "invalid"> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= limit) chunks.push(chunk);
  }
  if (size > limit) return "too-large";
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.trim() === "") return { body: undefined };
  try {
    return { body: JSON.parse(text) as unknown };
  } catch {
    return "invalid";
  }
}

export function createMachineApi(services: Services) {
  const { env, log } = services;

  /** One request's context: the API key's, with RateLimit-* headers copied onto the response whether it is let through or not. */
  const contextFor = async (request: IncomingMessage, response: ServerResponse): Promise<TRPCContext> => {
    const origin = requestOrigin(request, env.TRUST_PROXY) ?? `http://${request.headers.host ?? "localhost"}`;
    const headers = new Headers();
    for (const [name, value] of Object.entries(request.headers)) {
      if (typeof value === "string") headers.set(name, value);
      else if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    }
    const responseHeaders = new Headers();
    try {
      return await createApiKeyContext({
        db: services.db,
        redis: services.redis.redis,
        instanceId: services.instance.id,
        request: { url: new URL(request.url ?? "/", origin).href, headers },
        responseHeaders,
        sessionConfig: services.sessionConfig,
        clientIp: clientAddress(request, env.TRUST_PROXY),
        shortLinkBaseUrl: env.SHORT_LINK_BASE_URL ?? origin,
        appBaseUrl: env.PUBLIC_URL ?? origin,
        operatorEmails: env.OPERATOR_EMAILS,
        apiKeyRateLimit: { limit: env.API_KEY_RATE_LIMIT_PER_MINUTE, windowSeconds: 60 },
      });
    } finally {
      for (const [name, value] of responseHeaders) response.setHeader(name, value);
    }
  };

  // 429 and 503 say when to come back; no answer is for a cache (each depends on the key and changes at any time).
  const responseMeta = ({ errors }: { errors: readonly unknown[] }) => {
    const waits = errors.map(retryAfterSecondsOf).filter((seconds) => seconds !== null);
    return { headers: { "cache-control": "no-store", ...(waits.length > 0 ? { "retry-after": String(Math.max(...waits)) } : {}) } };
  };
  const onError = ({ path, error }: { path?: string | undefined; error: { code: string; message: string } }) => {
    if (error.code === "INTERNAL_SERVER_ERROR") log.error({ path, err: error.message }, "API call failed");
  };

  const rest = createOpenApiNodeHttpHandler<typeof appRouter, IncomingMessage, ServerResponse>({
    router: appRouter,
    createContext: ({ req, res }) => contextFor(req, res),
    responseMeta,
    onError,
    maxBodySize: env.MAX_REQUEST_BODY_BYTES,
  });

  async function answerRest(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const method = request.method ?? "GET";
    if (method === "POST" || method === "PATCH" || method === "PUT" || method === "DELETE") {
      // Read here (not by the library) so that a JSON body with a charset is read too, and to one limit with the rest of the server.
      const contentType = request.headers["content-type"] ?? "";
      const bodyless = contentType === "" && (request.headers["content-length"] ?? "0") === "0" && request.headers["transfer-encoding"] === undefined;
      if (bodyless) {
        // A call whose input is all in the path (restore): no body, so no content type to ask for.
        (request as IncomingMessage & { body?: unknown }).body = undefined;
        request.headers["content-type"] = "application/json";
      } else if (contentType.toLowerCase().startsWith("application/json")) {
        const read = await readJsonBody(request, env.MAX_REQUEST_BODY_BYTES);
        if (read === "too-large")
          return sendJson(response, 413, errorBody("PAYLOAD_TOO_LARGE", `Request bodies are limited to ${env.MAX_REQUEST_BODY_BYTES} bytes`), {
            connection: "close",
          });
        if (read === "invalid") return sendJson(response, 400, errorBody("PARSE_ERROR", "The request body is not valid JSON"));
        (request as IncomingMessage & { body?: unknown }).body = read.body;
        // The library asks for exactly application/json; the body is already parsed.
        request.headers["content-type"] = "application/json";
      }
    }
    // A `/api/v1/...` path with a trailing slash or a query is matched like the path itself (the library normalises).
    request.url = request.url?.slice(restPrefix.length) || "/";
    await rest(request, response);
  }

  async function answerTrpc(request: IncomingMessage, response: ServerResponse, path: string): Promise<void> {
    await nodeHTTPRequestHandler({
      router: appRouter,
      req: request,
      res: response,
      path: path.slice(trpcPrefix.length),
      maxBatchSize,
      maxBodySize: env.MAX_REQUEST_BODY_BYTES,
      createContext: ({ req, res }) => contextFor(req, res),
      responseMeta,
      onError,
    });
  }

  /** Answers the request if it is the machine API's (true), or leaves it for the next handler (false). */
  return function answerMachineApi(request: IncomingMessage, response: ServerResponse, path: string): boolean {
    if (path === docsPath || path === `${docsPath}/`) {
      response.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-cache", "x-content-type-options": "nosniff" });
      response.end(docsPage);
      return true;
    }
    if (path === docsScriptPath) {
      response.writeHead(200, {
        "content-type": "text/javascript; charset=utf-8",
        "cache-control": "public, max-age=3600",
        "x-content-type-options": "nosniff",
      });
      createReadStream(scalarBundle).pipe(response);
      return true;
    }
    if (path !== restPrefix && !path.startsWith(`${restPrefix}/`)) return false;
    if (path === documentPath) {
      sendJson(response, 200, document, { "access-control-allow-origin": "*" });
      return true;
    }
    const answer = path.startsWith(trpcPrefix) ? answerTrpc(request, response, path) : answerRest(request, response);
    answer.catch((error: unknown) => {
      log.error({ err: error instanceof Error ? error.message : String(error), path }, "API request failed");
      if (!response.headersSent) sendJson(response, 500, errorBody("INTERNAL_SERVER_ERROR", "Something went wrong"));
      else response.destroy();
    });
    return true;
  };
}
