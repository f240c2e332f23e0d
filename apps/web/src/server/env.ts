import { authEnvSchema } from "@hop/auth";
import { databaseEnvSchema } from "@hop/db";
import { redisEnvSchema } from "@hop/redis";
import { z } from "zod";

export const webEnvSchema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
    HOST: z.string().min(1).default("0.0.0.0"),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    /** Longest a SIGTERM waits for in-flight requests before the process exits anyway. */
    SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(9_000),
    /** Behind a reverse proxy: take the client address from the first X-Forwarded-For hop (never set this when clients reach the process directly). */
    TRUST_PROXY: z.enum(["true", "false"]).default("false").transform((value) => value === "true"),
  })
  .and(authEnvSchema)
  .and(databaseEnvSchema)
  .and(redisEnvSchema);

export type WebEnv = z.infer<typeof webEnvSchema>;
