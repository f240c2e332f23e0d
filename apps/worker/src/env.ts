import { databaseEnvSchema } from "@hop/db";
import { redisEnvSchema } from "@hop/redis";
import { z } from "zod";

export const workerEnvSchema = z
  .object({
    /** Jobs this process runs at once. */
    WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(4),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    /** Longest a SIGTERM waits for running jobs before handing them back and exiting. */
    SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(9_000),
  })
  .and(databaseEnvSchema)
  .and(redisEnvSchema);

export type WorkerEnv = z.infer<typeof workerEnvSchema>;
