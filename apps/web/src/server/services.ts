import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import type { SessionConfig } from "@hop/auth";
import { parseEnv } from "@hop/config";
import { createDatabase, type Database } from "@hop/db";
import { createLogger, type Logger } from "@hop/logger";
import { createRedisClient, type RedisClient } from "@hop/redis";
import { webEnvSchema, type WebEnv } from "./env";
import { createInFlight, type InFlight } from "./in-flight";

/**
 * The connections one web process holds (database pool, Redis client) and
 * who it is. They are resources, not state: nothing a request needs later is
 * kept here. They live on globalThis because the custom server and Next's
 * separately bundled route handlers run in the same process and must share
 * one pool instead of opening two.
 */
export interface WebServices {
  env: WebEnv;
  log: Logger;
  db: Database;
  redis: RedisClient;
  sessionConfig: SessionConfig;
  instance: { id: string; host: string; startedAt: string };
  /** What this process is still answering: a stop waits for it before closing the connections above. */
  inFlight: InFlight;
}

const servicesKey = Symbol.for("hop.web.services");
type GlobalWithServices = typeof globalThis & { [servicesKey]?: WebServices };

export function getWebServices(): WebServices {
  const holder = globalThis as GlobalWithServices;
  if (!holder[servicesKey]) {
    const env = parseEnv(webEnvSchema);
    const log = createLogger("web", env.LOG_LEVEL);
    holder[servicesKey] = {
      env,
      log,
      db: createDatabase(env.DATABASE_URL),
      redis: createRedisClient(env, {
        connectionName: "hop-web",
        commandTimeoutMs: env.REDIS_COMMAND_TIMEOUT_MS,
        // One: under load a turn's visits leave in one write and come back in one read (bench:redirect).
        sharedConnections: 1,
        onConnectionError: (error) => log.warn({ err: error.message }, "Redis connection error"),
      }),
      sessionConfig: { secrets: env.SESSION_SECRETS, ttlSeconds: env.SESSION_TTL_SECONDS },
      instance: { id: `web-${randomUUID().slice(0, 8)}`, host: hostname(), startedAt: new Date().toISOString() },
      inFlight: createInFlight(),
    };
  }
  return holder[servicesKey];
}
