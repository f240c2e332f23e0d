import { loadEnvOrExit } from "@hop/config";
import { RedisExecutor } from "@hop/redis-protocol";
import { pino } from "pino";
import { gatewayEnvSchema } from "./config";
import { createGatewayServer } from "./server";

const env = loadEnvOrExit("redis-http", gatewayEnvSchema);
const log = pino({ name: "redis-http", level: env.LOG_LEVEL });

let lastConnectionErrorLog = 0;
const executor = new RedisExecutor({
  url: env.REDIS_URL,
  commandTimeoutMs: env.REDIS_HTTP_REQUEST_TIMEOUT_MS,
  connectionName: "hop-redis-http",
  maxSubscriptions: env.REDIS_HTTP_MAX_SUBSCRIPTIONS,
  onConnectionError: (error) => {
    // ioredis retries every second while Redis is away; one line per 10 s is enough.
    if (Date.now() - lastConnectionErrorLog < 10_000) return;
    lastConnectionErrorLog = Date.now();
    log.warn({ err: error.message }, "Redis is unreachable; answering 503 until it is back");
  },
});

const server = createGatewayServer({
  executor,
  token: env.REDIS_HTTP_TOKEN,
  maxBodyBytes: env.REDIS_HTTP_MAX_BODY_BYTES,
  requestTimeoutMs: env.REDIS_HTTP_REQUEST_TIMEOUT_MS,
});

server.listen(env.PORT, env.HOST, () => {
  const address = server.address();
  const port = address && typeof address === "object" ? address.port : env.PORT;
  log.info({ url: `http://${env.HOST}:${port}` }, `redis-http listening on http://${env.HOST}:${port}`);
});

// Finish in-flight requests, then let go of Redis.
let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, "stopping");
  setTimeout(() => process.exit(1), 10_000).unref();
  server.close(() => {
    void executor.close().finally(() => process.exit(0));
  });
  // Event streams never go idle: end them, clients reconnect elsewhere.
  executor.closeSubscriptions();
  server.closeIdleConnections();
};
process.on("SIGTERM", () => stop("SIGTERM"));
process.on("SIGINT", () => stop("SIGINT"));
