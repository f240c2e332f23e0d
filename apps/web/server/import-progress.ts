/**
 * GET /api/imports/events: server-sent events with the progress of the
 * signed-in user's imports, on whichever instance the page is open.
 *
 * The importing worker publishes each batch's counters on one Redis channel
 * (the numbers themselves are in PostgreSQL); each web instance subscribes
 * once and hands each message to the streams of the user it names. The same
 * shape as /api/live (live-clicks.ts): a page whose instance goes away
 * reconnects to another (EventSource does) and reads the import once on
 * `hello`.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { importProgressSchema } from "@hop/api";
import { resolveSession, sessionCookieName } from "@hop/auth";
import { redisKeys } from "@hop/redis";
import { parse as parseCookies } from "cookie";
import type { WebServices } from "../src/server/services";

export const importProgressPath = "/api/imports/events";

const keepAliveMs = 15_000;
const resubscribeMs = 1_000;

export interface ImportProgressStreams {
  answer(request: IncomingMessage, response: ServerResponse): void;
  close(): Promise<void>;
}

export function startImportProgress(services: WebServices): ImportProgressStreams {
  const { redis, log, sessionConfig } = services;
  const streams = new Map<string, Set<ServerResponse>>();
  let closed = false;
  let subscriber: ReturnType<typeof redis.redis.subscribe> | null = null;

  const subscribe = () => {
    if (closed) return;
    const current = redis.redis.subscribe<unknown>([redisKeys.importProgressChannel()]);
    subscriber = current;
    current.on("message", ({ message }) => {
      const parsed = importProgressSchema.safeParse(typeof message === "string" ? JSON.parse(message) : message);
      if (!parsed.success) return;
      for (const response of streams.get(parsed.data.userId) ?? []) response.write(`event: progress\ndata: ${JSON.stringify(parsed.data)}\n\n`);
    });
    current.on("error", (error) => {
      log.warn({ err: error.message }, "import progress subscription failed; subscribing again");
      current.removeAllListeners();
      void current.unsubscribe().catch(() => undefined);
      if (subscriber === current) subscriber = null;
      setTimeout(subscribe, resubscribeMs).unref();
    });
  };
  subscribe();

  const refuse = (response: ServerResponse, status: number, code: string, message: string) => {
    const body = JSON.stringify({ error: { code, message } });
    response.writeHead(status, { "content-type": "application/json", "cache-control": "no-store", "content-length": Buffer.byteLength(body) });
    response.end(body);
  };

  async function open(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.method !== "GET") return refuse(response, 405, "METHOD_NOT_ALLOWED", "Use GET");
    if (closed) return refuse(response, 503, "STOPPING", "This instance is stopping; try again");
    const cookieValue = parseCookies(request.headers.cookie ?? "")[sessionCookieName];
    let session: Awaited<ReturnType<typeof resolveSession>>;
    try {
      session = await resolveSession(redis.redis, sessionConfig, cookieValue);
    } catch {
      return refuse(response, 503, "SESSIONS_UNAVAILABLE", "Sessions cannot be checked right now");
    }
    if (!session) return refuse(response, 401, "UNAUTHORIZED", "Sign in to follow your imports");
    const { userId } = session;
    response.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store", "x-accel-buffering": "no" });
    response.write(`retry: 1000\n\nevent: hello\ndata: ${JSON.stringify({ at: Date.now() })}\n\n`);
    const open = streams.get(userId) ?? new Set<ServerResponse>();
    open.add(response);
    streams.set(userId, open);
    const keepAlive = setInterval(() => response.write(": keep-alive\n\n"), keepAliveMs);
    response.on("close", () => {
      clearInterval(keepAlive);
      open.delete(response);
      if (open.size === 0) streams.delete(userId);
    });
  }

  return {
    answer(request, response) {
      open(request, response).catch((error: unknown) => {
        log.error({ err: error instanceof Error ? error.message : String(error) }, "import progress stream failed");
        if (!response.headersSent) refuse(response, 500, "INTERNAL_SERVER_ERROR", "Something went wrong on our side");
        else response.end();
      });
    },
    async close() {
      closed = true;
      for (const open of streams.values()) for (const response of open) response.end();
      streams.clear();
      await subscriber?.unsubscribe().catch(() => undefined);
    },
  };
}
