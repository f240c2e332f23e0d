import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { timingSafeEqual } from "node:crypto";
import { answerRestRequest, restEndpointOf, type RedisExecutor, type RestBody } from "@hop/redis-protocol";

export interface GatewayOptions {
  executor: RedisExecutor;
  /** The bearer token every command request must carry. */
  token: string;
  maxBodyBytes: number;
  requestTimeoutMs: number;
}

type Reply = { status: number; body: RestBody | Record<string, unknown>; closeConnection?: boolean };

class BodyTooLargeError extends Error {}

/**
 * The Upstash REST protocol over HTTP: POST / (one command), /pipeline and
 * /multi-exec, bearer-token auth, `Upstash-Encoding: base64`. It keeps no
 * state of its own beyond a script-hash cache, so any number can run side by
 * side in front of one Redis.
 */
export function createGatewayServer(options: GatewayOptions): Server {
  const expectedToken = Buffer.from(options.token);

  const isAuthorized = (request: IncomingMessage, query: URLSearchParams | undefined): boolean => {
    const header = request.headers.authorization;
    const presented = header?.startsWith("Bearer ") ? header.slice(7) : query?.get("_token");
    if (!presented) return false;
    const candidate = Buffer.from(presented);
    return candidate.length === expectedToken.length && timingSafeEqual(candidate, expectedToken);
  };

  const handle = async (request: IncomingMessage): Promise<Reply> => {
    const [pathname = "/", search] = (request.url ?? "/").split("?", 2);
    const query = search === undefined ? undefined : new URLSearchParams(search);

    if (request.method === "GET" && pathname === "/") {
      return { status: 200, body: { status: "ok", redis: options.executor.isReady ? "ready" : "unavailable" } };
    }
    if (request.method === "GET" && pathname === "/ready") {
      const ready = options.executor.isReady;
      return { status: ready ? 200 : 503, body: { status: ready ? "ready" : "unavailable" } };
    }
    if (request.method !== "POST") return { status: 405, body: { error: `Method ${request.method ?? ""} is not allowed: send POST` } };
    if (!isAuthorized(request, query)) return { status: 401, body: { error: "Unauthorized: missing or wrong bearer token" } };

    const endpoint = restEndpointOf(pathname);
    if (!endpoint) return { status: 404, body: { error: `ERR unknown endpoint ${pathname}: use /, /pipeline or /multi-exec` } };

    let raw: string;
    try {
      raw = await readBody(request, options.maxBodyBytes);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        return { status: 413, body: { error: `ERR request body exceeds ${options.maxBodyBytes} bytes` }, closeConnection: true };
      }
      throw error;
    }
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      return { status: 400, body: { error: "ERR malformed JSON body: expected a command array such as [\"GET\", \"key\"]" } };
    }
    const encoding = request.headers["upstash-encoding"] === "base64" ? "base64" : "utf8";
    return withTimeout(answerRestRequest(options.executor, endpoint, body, encoding), options.requestTimeoutMs);
  };

  const server = createServer((request, response) => {
    handle(request).then(
      (reply) => send(response, reply),
      (error: unknown) => send(response, { status: 500, body: { error: `ERR gateway failure: ${error instanceof Error ? error.message : String(error)}` } }),
    );
  });
  // Longer than clients' keep-alive (undici: 4 s) so the server never closes a socket a client is about to reuse.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = Math.max(options.requestTimeoutMs, 30_000);
  return server;
}

function send(response: ServerResponse, reply: Reply): void {
  const payload = JSON.stringify(reply.body);
  const headers: Record<string, string | number> = {
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(payload),
  };
  if (reply.status === 405) headers.Allow = "POST, GET";
  if (reply.closeConnection) headers.Connection = "close";
  response.writeHead(reply.status, headers);
  response.end(payload);
}

function readBody(request: IncomingMessage, maxBytes: number): Promise<string> {
  const declared = Number(request.headers["content-length"] ?? 0);
  if (declared > maxBytes) {
    request.resume();
    return Promise.reject(new BodyTooLargeError());
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        request.removeAllListeners("data");
        request.resume();
        reject(new BodyTooLargeError());
        return;
      }
      chunks.push(chunk);
    });
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

function withTimeout(work: Promise<Reply>, timeoutMs: number): Promise<Reply> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Reply>((resolve) => {
    timer = setTimeout(() => resolve({ status: 504, body: { error: `ERR request timed out after ${timeoutMs} ms` } }), timeoutMs);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
