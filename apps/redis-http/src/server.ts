import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import {
  answerRestRequest,
  restEndpointOf,
  RestError,
  subscriptionOf,
  type RedisExecutor,
  type RestBody,
  type Subscription,
  type SubscriptionKind,
} from "@hop/redis-protocol";

export interface GatewayOptions {
  executor: RedisExecutor;
  /** The bearer token every command request must carry. */
  token: string;
  maxBodyBytes: number;
  requestTimeoutMs: number;
}

type Reply = { status: number; body: RestBody | Record<string, unknown>; closeConnection?: boolean };
/** The request became an event stream, already answered. */
type Streamed = { streamed: true };

class BodyTooLargeError extends Error {}

/** A comment line every so often keeps proxies from closing a quiet event stream. */
const keepAliveIntervalMs = 15_000;

const digest = (text: string | Buffer) => createHash("sha256").update(text).digest();

/**
 * Upstash's read-your-writes token. Every command of this gateway goes to the
 * one Redis it fronts, so a read always sees the writes answered before it and
 * there is nothing to wait for; the token only has to be new on every answer,
 * as @upstash/redis keeps the latest one and sends it back.
 */
function syncTokens(): () => string {
  const instance = randomBytes(6).toString("hex");
  let sequence = 0;
  return () => {
    sequence += 1;
    return `${instance}-${sequence}`;
  };
}

/**
 * The Upstash REST protocol over HTTP: POST / (one command), /pipeline and
 * /multi-exec, /subscribe/<channel> and /psubscribe/<pattern> (server-sent
 * events), bearer-token auth, `Upstash-Encoding: base64`. It keeps no state
 * of its own beyond a script-hash cache, so any number can run side by side
 * in front of one Redis.
 */
export function createGatewayServer(options: GatewayOptions): Server {
  // Both sides hashed to the same length, so the comparison's time tells nothing, not even the token's length.
  const expectedDigest = digest(options.token);
  const nextSyncToken = syncTokens();

  const isAuthorized = (request: IncomingMessage, query: URLSearchParams | undefined): boolean => {
    const header = request.headers.authorization;
    const presented = header?.startsWith("Bearer ") ? header.slice(7) : query?.get("_token");
    if (!presented) return false;
    return timingSafeEqual(digest(presented), expectedDigest);
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<Reply | Streamed> => {
    const [pathname = "/", search] = (request.url ?? "/").split("?", 2);
    const query = search === undefined ? undefined : new URLSearchParams(search);

    if (request.method === "GET" && pathname === "/") {
      return { status: 200, body: { status: "ok", redis: options.executor.isReady ? "ready" : "unavailable" } };
    }
    if (request.method === "GET" && pathname === "/ready") {
      const ready = options.executor.isReady;
      return { status: ready ? 200 : 503, body: { status: ready ? "ready" : "unavailable" } };
    }
    const subscription = subscriptionOf(pathname);
    // @upstash/redis POSTs a subscription; an EventSource can only GET one.
    if (request.method !== "POST" && !(subscription && request.method === "GET")) {
      return { status: 405, body: { error: `Method ${request.method ?? ""} is not allowed: send POST` } };
    }
    if (!isAuthorized(request, query)) return { status: 401, body: { error: "Unauthorized: missing or wrong bearer token" } };

    if (subscription) {
      if (subscription.name === "")
        return { status: 400, body: { error: `ERR name the ${subscription.kind === "subscribe" ? "channel" : "pattern"}: /${subscription.kind}/<name>` } };
      request.resume();
      return streamSubscription(options.executor, subscription.kind, subscription.name, request, response, nextSyncToken());
    }

    const endpoint = restEndpointOf(pathname);
    if (!endpoint) {
      return { status: 404, body: { error: `ERR unknown endpoint ${pathname}: use /, /pipeline, /multi-exec, /subscribe/<channel> or /psubscribe/<pattern>` } };
    }

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
      return { status: 400, body: { error: 'ERR malformed JSON body: expected a command array such as ["GET", "key"]' } };
    }
    const encoding = request.headers["upstash-encoding"] === "base64" ? "base64" : "utf8";
    return withTimeout(answerRestRequest(options.executor, endpoint, body, encoding), options.requestTimeoutMs);
  };

  const server = createServer((request, response) => {
    handle(request, response).then(
      (reply) => {
        if ("streamed" in reply) return;
        send(response, reply, nextSyncToken());
      },
      (error: unknown) => {
        if (response.headersSent) {
          response.destroy();
          return;
        }
        send(response, { status: 500, body: { error: `ERR gateway failure: ${error instanceof Error ? error.message : String(error)}` } }, nextSyncToken());
      },
    );
  });
  // Longer than clients' keep-alive (undici: 4 s) so the server never closes a socket a client is about to reuse.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = Math.max(options.requestTimeoutMs, 30_000);
  return server;
}

/**
 * Upstash's pub/sub stream: `data: <kind>,<name>,<count>` once Redis confirmed
 * the subscription, then `data: message,<channel>,<message>` (or pmessage with
 * the pattern first) for each message, until the client goes away, which
 * closes the subscription's Redis connection.
 */
async function streamSubscription(
  executor: RedisExecutor,
  kind: SubscriptionKind,
  name: string,
  request: IncomingMessage,
  response: ServerResponse,
  syncToken: string,
): Promise<Reply | Streamed> {
  const pending: string[] = [];
  let started = false;
  const write = (event: string) => {
    // A message with line breaks is several data lines of one event, as server-sent events carry them.
    const frame = `${event
      .split(/\r\n|\r|\n/)
      .map((line) => `data: ${line}`)
      .join("\n")}\n\n`;
    if (started) response.write(frame);
    else pending.push(frame);
  };
  let subscription: Subscription;
  try {
    subscription = await executor.subscribe(kind, name, write, () => response.end());
  } catch (error) {
    if (error instanceof RestError) return { status: error.status, body: { error: error.message } };
    throw error;
  }
  // The client may have left while Redis confirmed.
  if (request.socket.destroyed) {
    subscription.close();
    return { streamed: true };
  }
  response.writeHead(200, {
    "Content-Type": "text/event-stream",
    "Cache-Control": "no-cache",
    Connection: "keep-alive",
    "X-Accel-Buffering": "no",
    "Upstash-Sync-Token": syncToken,
  });
  started = true;
  response.write(pending.join(""));
  const keepAlive = setInterval(() => response.write(": keep-alive\n\n"), keepAliveIntervalMs);
  response.once("close", () => {
    clearInterval(keepAlive);
    subscription.close();
  });
  return { streamed: true };
}

function send(response: ServerResponse, reply: Reply, syncToken: string): void {
  const payload = JSON.stringify(reply.body);
  const headers: Record<string, string | number> = {
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(payload),
    "Upstash-Sync-Token": syncToken,
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
