// The subpath, not "@hop/api": the custom server bundles this file and needs none of the routers.
import { operatorEmailsSchema } from "@hop/api/operators";
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
    /** Where short links are served, e.g. https://hop.example; each request's own origin when unset. */
    SHORT_LINK_BASE_URL: z
      .string()
      .regex(/^https?:\/\/[^/\s]+\/?$/, "must be an origin like https://hop.example (no path)")
      .optional(),
    /** Keys the daily-rotating visitor hash (unique visitors without storing IPs). At least 32 characters; keep it stable. */
    VISITOR_HASH_SECRET: z.string().min(32, "must be at least 32 characters"),
    /** A request header a trusted proxy sets to the visitor's 2-letter country (e.g. cf-ipcountry); unset = country not recorded. */
    CLICK_COUNTRY_HEADER: z
      .string()
      .regex(/^[A-Za-z0-9-]+$/, "must be a header name, e.g. cf-ipcountry")
      .transform((name) => name.toLowerCase())
      .optional(),
    /** The accounts that may open /system and call system.*, by email, comma-separated; none when unset. */
    OPERATOR_EMAILS: operatorEmailsSchema,
  })
  .and(authEnvSchema)
  .and(databaseEnvSchema)
  .and(redisEnvSchema);

export type WebEnv = z.infer<typeof webEnvSchema>;
