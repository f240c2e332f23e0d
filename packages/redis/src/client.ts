import { RedisExecutor } from "@hop/redis-protocol";
import { Redis } from "@upstash/redis";
import type { RedisEnv } from "./env";
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
      ...(options.onConnectionError ? { onConnectionError: options.onConnectionError } : {}),
    });
    return { redis: new Redis(new TcpRequester(executor)), transport: "tcp", close: () => executor.close() };
  }
  if (env.UPSTASH_REDIS_REST_URL && env.UPSTASH_REDIS_REST_TOKEN) {
    const redis = new Redis({
      url: env.UPSTASH_REDIS_REST_URL,
      token: env.UPSTASH_REDIS_REST_TOKEN,
      enableTelemetry: false,
    });
    return { redis, transport: "http", close: async () => undefined };
  }
  throw new Error("Redis is not configured: set REDIS_URL, or UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN");
}
