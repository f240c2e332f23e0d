import { z } from "zod";

export const gatewayEnvSchema = z.object({
  REDIS_URL: z.string().regex(/^rediss?:\/\/\S+$/, "must be a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379"),
  REDIS_HTTP_TOKEN: z.string().min(16, "must be at least 16 characters (the bearer token clients send)"),
  PORT: z.coerce.number().int().min(0).max(65_535).default(8079),
  HOST: z.string().min(1).default("127.0.0.1"),
  REDIS_HTTP_MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(10 * 1024 * 1024),
  REDIS_HTTP_REQUEST_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  REDIS_HTTP_MAX_SUBSCRIPTIONS: z.coerce.number().int().positive().default(256),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

export type GatewayEnv = z.infer<typeof gatewayEnvSchema>;
