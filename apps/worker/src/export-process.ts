/**
 * One export run in a process of its own (`exports.run` forks it; see
 * tasks/export-child.ts for why). It runs `runExport` for the export id given
 * as its argument with its own PostgreSQL and Redis connections, tells the
 * parent the outcome over the IPC channel and exits. SIGTERM (the worker
 * shutting down) stops it after the page in hand; the parent gone (its IPC
 * channel closed: killed) ends it at once, so no orphan keeps writing (and a
 * run that went on anyway could not write a chunk that is read: run ids).
 */
import { ExportRefusedError, runExport } from "@hop/api";
import { loadEnvOrExit } from "@hop/config";
import { createDatabase } from "@hop/db";
import { createRedisClient } from "@hop/redis";
import { workerEnvSchema } from "./env";
import type { ExportChildMessage } from "./tasks/export-child";

const exportId = process.argv[2] ?? "";
const env = loadEnvOrExit("worker", workerEnvSchema);
const reply = (message: ExportChildMessage) => new Promise<void>((resolve) => process.send?.(message, () => resolve()) ?? resolve());

process.on("disconnect", () => process.exit(1));
const controller = new AbortController();
process.on("SIGTERM", () => controller.abort());

// One connection each: the run is one query (or transaction) at a time.
const db = createDatabase(env.DATABASE_URL, { maxConnections: 1 });
const redis = createRedisClient(env, { connectionName: "hop-worker-export" });
let code = 0;
try {
  const outcome = await runExport(
    {
      db,
      redis: redis.redis,
      instanceId: process.env.HOP_INSTANCE_ID ?? "worker-export",
      signal: controller.signal,
      retentionHours: env.EXPORT_RETENTION_HOURS,
    },
    exportId,
  );
  await reply({ kind: "done", ...outcome });
} catch (error) {
  code = 1;
  await reply(
    error instanceof ExportRefusedError
      ? { kind: "refused", message: error.message }
      : { kind: "failed", message: error instanceof Error ? error.message : String(error) },
  );
} finally {
  await Promise.allSettled([db.$disconnect(), redis.close()]);
}
process.exit(code);
