import { databaseEnvSchema } from "@hop/db";
import { mailEnvSchema } from "@hop/mail";
import { redisEnvSchema } from "@hop/redis";
import { z } from "zod";

export const workerEnvSchema = z
  .object({
    /** Jobs this process runs at once. */
    WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(4),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    /** Longest a SIGTERM waits for running jobs before handing them back and exiting. */
    SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(9_000),
    /** Clicks read from the stream and committed in one transaction. */
    CLICK_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(1_000),
    /** How long a click stays pending with a consumer before a live worker takes it over (that consumer is presumed dead). */
    CLICK_CLAIM_IDLE_MS: z.coerce.number().int().min(100).default(30_000),
    /** Pause between reads while the stream has nothing new (reads never block). */
    CLICK_IDLE_BACKOFF_MS: z.coerce.number().int().min(1).max(10_000).default(100),
    /** Keys the daily visitor hash computed at ingestion: the same secret as the web processes' (their Redis-down fallback hashes too). */
    VISITOR_HASH_SECRET: z.string().min(32, "must be at least 32 characters"),
    /** Raw clicks older than this are deleted by the scheduled job; daily rollups stay. */
    CLICK_RETENTION_DAYS: z.coerce.number().int().min(1).default(90),
    /** Lets the link-metadata fetcher reach loopback addresses (tests only; private, link-local and metadata addresses stay refused). */
    METADATA_FETCH_ALLOW_LOOPBACK: z
      .enum(["true", "false"])
      .default("false")
      .transform((value) => value === "true"),
    /** Longest a metadata fetch may take, redirects included. */
    METADATA_FETCH_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
    /** Most bytes of a target page the metadata fetcher downloads (to a temp file); the rest is not read. */
    METADATA_FETCH_MAX_BYTES: z.coerce
      .number()
      .int()
      .min(1_024)
      .max(50 * 1024 * 1024)
      .default(1024 * 1024),
    /** Hours an export's file (kept in PostgreSQL) can be downloaded once ready; then the scheduled clean-up deletes it. */
    EXPORT_RETENTION_HOURS: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 30)
      .default(24),
    /** Attempts of one webhook delivery at most (the first and its retries). */
    WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(8),
    /** Delay before a webhook's first retry; each next one waits 4 times longer (10 s, 40 s, 160 s, ... by default). */
    WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(100).max(3_600_000).default(10_000),
    /** Failed attempts in a row, over all deliveries, after which an endpoint is disabled (with the reason shown). */
    WEBHOOK_DISABLE_AFTER_FAILURES: z.coerce.number().int().min(1).max(1_000).default(20),
    /** Longest a receiver may take to answer one attempt. */
    WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
    /** Days a finished webhook delivery stays in the log (hourly prune; pending ones always stay). */
    WEBHOOK_LOG_RETENTION_DAYS: z.coerce.number().int().min(1).max(3_650).default(30),
    /** Finished deliveries kept per endpoint at most, newest first (hourly prune). */
    WEBHOOK_LOG_KEEP_PER_ENDPOINT: z.coerce.number().int().min(1).max(1_000_000).default(1_000),
  })
  .and(mailEnvSchema)
  .and(databaseEnvSchema)
  .and(redisEnvSchema);

export type WorkerEnv = z.infer<typeof workerEnvSchema>;
