import { RedisExecutor } from "@hop/redis-protocol";
import { Redis } from "@upstash/redis";
import type { RedisEnv } from "./env";
import { registerScriptExecutor } from "./scripts";
import { TcpRequester } from "./tcp-requester";

export type RedisTransport = "tcp" | "http";

export interface RedisClient {
  redis: Redis;
  transport: RedisTransport;
  /** Closes TCP connections; a no-op over HTTP. */
  close(): Promise<void>;
}

export interface RedisClientOptions {
  /** Shown in Redis's CLIENT LIST, e.g. "hop-web". */
  connectionName?: string;
  /** Connection errors while Redis is away, for the process's log. */
  onConnectionError?: (error: Error) => void;
  /**
   * Return every reply as Redis sent it. By default @upstash/redis JSON-parses
   * string replies ("123" becomes 123, '{"a":1}' an object, "null" null),
   * which is right for values Hop stored as JSON and wrong for raw text such
   * as a click's user agent in a stream entry.
   */
  rawReplies?: boolean;
  /**
   * Longest wait for a reply before the call fails (default 10 s). Request
   * paths set it short: a hung Redis must cost a redirect or a session check
   * a fraction of a second before the fallback (PostgreSQL, or a clear 503),
   * not seconds.
   */
  commandTimeoutMs?: number;
  /**
   * Connections that carry single commands and pipelines (default 2). The executor sends a turn of the event loop's
   * commands in one write per connection, so a process whose commands are many and small (the web: a script per
   * visit) writes, and Redis reads and answers, once a turn on one connection instead of twice on two.
   */
  sharedConnections?: number;
}

/** @upstash/redis over a custom Requester, with its reply parsing switched off. */
class RawReplyRedis extends Redis {
  constructor(requester: TcpRequester) {
    super(requester);
    this.opts = { ...this.opts, automaticDeserialization: false };
  }
}

/**
 * Builds the @upstash/redis client every Hop process uses: direct TCP when
 * REDIS_URL is set (long-running processes: about 20x the throughput of
 * HTTP), the REST protocol otherwise (Upstash itself, or apps/redis-http).
 */
export function createRedisClient(env: RedisEnv, options: RedisClientOptions = {}): RedisClient {
  if (env.REDIS_URL) {
    const executor = new RedisExecutor({
      url: env.REDIS_URL,
      connectionName: options.connectionName ?? "hop",
      ...(options.commandTimeoutMs ? { commandTimeoutMs: options.commandTimeoutMs } : {}),
      ...(options.sharedConnections ? { sharedConnections: options.sharedConnections } : {}),
      ...(options.onConnectionError ? { onConnectionError: options.onConnectionError } : {}),
    });
    const requester = new TcpRequester(executor);
    const redis = options.rawReplies ? new RawReplyRedis(requester) : new Redis(requester);
    registerScriptExecutor(redis, executor);
    return { redis, transport: "tcp", close: () => executor.close() };
  }
  if (env.UPSTASH_REDIS_REST_URL && env.UPSTASH_REDIS_REST_TOKEN) {
    const redis = new Redis({
      url: env.UPSTASH_REDIS_REST_URL,
      token: env.UPSTASH_REDIS_REST_TOKEN,
      enableTelemetry: false,
      ...(options.commandTimeoutMs ? { signal: () => AbortSignal.timeout(options.commandTimeoutMs ?? 0) } : {}),
      ...(options.rawReplies ? { automaticDeserialization: false } : {}),
    });
    return { redis, transport: "http", close: async () => undefined };
  }
  throw new Error("Redis is not configured: set REDIS_URL, or UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN");
}
