/**
 * Server-sent events to a signed-in user's open pages, on whichever instance
 * they are, fed by one Redis channel: each web instance subscribes once,
 * whatever the number of open pages, and hands each message to the streams of
 * the users it names. Nothing is kept here but the open responses: a browser
 * whose instance goes away reconnects (EventSource does) to any other, is sent
 * a `hello` first, and reads what it missed. Used by /api/live and
 * /api/imports/events.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { resolveSession, sessionCookieName } from "@hop/auth";
import { parse as parseCookies } from "cookie";
import type { WebServices } from "../src/server/services";

/** A comment line now and then keeps proxies from closing an idle stream; the session is checked again at the same time. */
const keepAliveMs = 15_000;
/** After Redis refused or dropped the subscription, the next try. */
const resubscribeMs = 1_000;
/** How soon a browser reconnects after the stream ended (EventSource's `retry`). */
const reconnectMs = 1_000;

export interface UserEvent {
  userId: string;
  event: string;
  data: unknown;
  id?: string;
}

export interface UserEventStreamsOptions {
  /** For logs: "live clicks", "import progress". */
  name: string;
  channel: string;
  /** The events a channel message carries, or null for a malformed message (ignored). */
  eventsOf(message: unknown): UserEvent[] | null;
  /** What a signed-out visitor is told. */
  unauthorizedMessage: string;
}

export interface UserEventStreams {
  answer(request: IncomingMessage, response: ServerResponse): void;
  /** Ends every open stream (their browsers reconnect elsewhere) and the subscription. */
  close(): Promise<void>;
}

interface Stream {
  response: ServerResponse;
  userId: string;
}

export function startUserEventStreams(services: WebServices, options: UserEventStreamsOptions): UserEventStreams {
  const { redis, log, sessionConfig } = services;
  const streams = new Map<string, Set<Stream>>();
  let closed = false;
  let subscriber: ReturnType<typeof redis.redis.subscribe> | null = null;

  const send = (stream: Stream, event: string, data: unknown, id?: string) => {
    stream.response.write(`${id ? `id: ${id}\n` : ""}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };

  const deliver = (message: unknown) => {
    const events = options.eventsOf(typeof message === "string" ? JSON.parse(message) : message);
    if (!events) {
      log.warn(`ignored a malformed ${options.name} message`);
      return;
    }
    for (const { userId, event, data, id } of events) for (const stream of streams.get(userId) ?? []) send(stream, event, data, id);
  };

  const subscribe = () => {
    if (closed) return;
    const current = redis.redis.subscribe<unknown>([options.channel]);
    subscriber = current;
    current.on("message", ({ message }) => {
      try {
        deliver(message);
      } catch (error) {
        log.warn({ err: error instanceof Error ? error.message : String(error) }, `could not deliver ${options.name}`);
      }
    });
    current.on("error", (error) => {
      log.warn({ err: error.message }, `${options.name} subscription failed; subscribing again`);
      current.removeAllListeners();
      void current.unsubscribe().catch(() => undefined);
      if (subscriber === current) subscriber = null;
      setTimeout(subscribe, resubscribeMs).unref();
    });
  };
  subscribe();

  const end = (stream: Stream) => {
    const open = streams.get(stream.userId);
    open?.delete(stream);
    if (open?.size === 0) streams.delete(stream.userId);
    if (!stream.response.writableEnded) stream.response.end();
  };

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
    if (!session) return refuse(response, 401, "UNAUTHORIZED", options.unauthorizedMessage);
    const { userId } = session;

    response.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store",
      "x-accel-buffering": "no",
      "x-content-type-options": "nosniff",
    });
    response.write(`retry: ${reconnectMs}\n\n`);
    const stream: Stream = { response, userId };
    const open = streams.get(userId) ?? new Set<Stream>();
    open.add(stream);
    streams.set(userId, open);
    const keepAlive = setInterval(() => {
      response.write(": keep-alive\n\n");
      // A session ended elsewhere (sign-out, password change) ends its streams too.
      void resolveSession(redis.redis, sessionConfig, cookieValue).then(
        (still) => {
          if (!still) end(stream);
        },
        () => undefined,
      );
    }, keepAliveMs);
    // The response closes when the browser goes away (or the stream was ended here).
    response.on("close", () => {
      clearInterval(keepAlive);
      end(stream);
    });
    // The page reads what it shows again on every hello: what happened while it was away is in that answer.
    send(stream, "hello", { at: Date.now(), instanceId: services.instance.id });
  }

  return {
    answer(request, response) {
      open(request, response).catch((error: unknown) => {
        log.error({ err: error instanceof Error ? error.message : String(error) }, `${options.name} stream failed`);
        if (!response.headersSent) refuse(response, 500, "INTERNAL_SERVER_ERROR", "Something went wrong on our side");
        else response.end();
      });
    },
    async close() {
      closed = true;
      for (const open of [...streams.values()]) for (const stream of [...open]) end(stream);
      const current = subscriber;
      subscriber = null;
      current?.removeAllListeners();
      await current?.unsubscribe().catch(() => undefined);
    },
  };
}
