// The subpath, not "@hop/api": the custom server bundles this file and needs none of the routers.
import { operatorEmailsSchema } from "@hop/api/operators";
import { authEnvSchema } from "@hop/auth";
import { databaseEnvSchema } from "@hop/db";
import { redisEnvSchema } from "@hop/redis";
import { z } from "zod";
import { parseProxyTrust } from "./proxy-trust";

export const webEnvSchema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
    HOST: z.string().min(1).default("0.0.0.0"),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    /** Longest a SIGTERM waits for in-flight requests before the process exits anyway. */
    SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(9_000),
    /**
     * After SIGTERM, how long the instance keeps serving while /api/ready answers 503, so a load balancer's health check
     * takes it out before it stops accepting connections (a connection accepted by the kernel but not yet by Node is
     * reset when the listener closes, after the balancer sent the request: a failure it may not retry). 0 behind nothing.
     */
    SHUTDOWN_DRAIN_MS: z.coerce.number().int().min(0).max(60_000).default(0),
    /** Which hops in front of Hop are proxies whose X-Forwarded-* to believe: false, a hop count, or addresses/CIDRs (see proxy-trust.ts). */
    TRUST_PROXY: z
      .string()
      .default("false")
      .transform((value, ctx) => {
        try {
          return parseProxyTrust(value);
        } catch (error) {
          ctx.addIssue({
            code: "custom",
            message: `must be false, a number of proxy hops, or a list of proxy addresses/CIDRs (${error instanceof Error ? error.message : String(error)})`,
          });
          return z.NEVER;
        }
      }),
    /** Longest wait for a Redis reply on a request's path: then the redirect reads PostgreSQL, a session check answers 503. */
    REDIS_COMMAND_TIMEOUT_MS: z.coerce.number().int().min(10).max(60_000).default(500),
    /** Largest request body handed to Next (the tRPC API, pages); larger ones get 413 before a byte is read. */
    MAX_REQUEST_BODY_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .max(100 * 1024 * 1024)
      .default(1024 * 1024),
    /** Where short links are served, e.g. https://hop.example; each request's own origin when unset. */
    SHORT_LINK_BASE_URL: z
      .string()
      .regex(/^https?:\/\/[^/\s]+\/?$/, "must be an origin like https://hop.example (no path)")
      .optional(),
    /** Keys the daily-rotating visitor hash (unique visitors without storing IPs). At least 32 characters; keep it stable. */
    VISITOR_HASH_SECRET: z.string().min(32, "must be at least 32 characters"),
    /** Where Hop's pages are served, e.g. https://hop.example: links in mail (password reset) start with it. Each request's own origin when unset. */
    PUBLIC_URL: z
      .string()
      .regex(/^https?:\/\/[^/\s]+\/?$/, "must be an origin like https://hop.example (no path)")
      .optional(),
    /** A request header a trusted proxy sets to the visitor's 2-letter country (e.g. cf-ipcountry); unset = country not recorded. */
    CLICK_COUNTRY_HEADER: z
      .string()
      .regex(/^[A-Za-z0-9-]+$/, "must be a header name, e.g. cf-ipcountry")
      .transform((name) => name.toLowerCase())
      .optional(),
    /** Days between asking to delete an account and its deletion; signing in meanwhile can keep it. */
    ACCOUNT_DELETION_GRACE_DAYS: z.coerce.number().int().min(0).max(365).default(7),
    /** Requests one API key may make per minute, over every instance (REST and tRPC with a key). */
    API_KEY_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600),
    /** Benchmarks only: serve the REST API through a Next route handler too, at /api/bench-next-v1 (the baseline of `pnpm bench:api`). */
    API_BENCH_NEXT_ROUTE: z
      .enum(["0", "1"])
      .default("0")
      .transform((value) => value === "1"),
    /** The accounts that may open /system and call system.*, by email, comma-separated; none when unset. */
    OPERATOR_EMAILS: operatorEmailsSchema,
  })
  .and(authEnvSchema)
  .and(databaseEnvSchema)
  .and(redisEnvSchema);

export type WebEnv = z.infer<typeof webEnvSchema>;
