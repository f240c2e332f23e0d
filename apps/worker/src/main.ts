/**
 * The worker process: runs queued jobs (graphile-worker, durable in
 * PostgreSQL) with typed handlers.
 *
 * Life: read config -> connect -> start the job runner (queued jobs and the
 * crontab, each tick once per cluster) and the click ingestion (the clicks
 * stream, as one consumer of its group) -> heartbeat (with its job-engine
 * worker ids) -> hand back jobs of dead workers every few seconds -> on
 * SIGTERM commit the click batch in hand and finish running jobs (or hand
 * them back), leave, exit.
 */
import { EventEmitter } from "node:events";
import { createHash, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import { dirname, extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadEnvOrExit } from "@hop/config";
import { createDatabase } from "@hop/db";
import { createLogger } from "@hop/logger";
import { createMailer } from "@hop/mail";
import { heartbeatIntervalMs, startHeartbeat } from "@hop/presence";
import { createRedisClient } from "@hop/redis";
import { Logger as JobLogger, makeWorkerUtils, run, type WorkerEvents } from "graphile-worker";
import pg from "pg";
import { startClickIngestion } from "./click-ingestion";
import { releaseJobsOfDeadWorkers } from "./dead-workers";
import { workerEnvSchema } from "./env";
import { createTaskList, cronItems } from "./tasks";

const env = loadEnvOrExit("worker", workerEnvSchema);
const log = createLogger("worker", env.LOG_LEVEL);
const instance = { id: `worker-${randomUUID().slice(0, 8)}`, host: hostname(), startedAt: new Date().toISOString() };
const entryFile = fileURLToPath(import.meta.url);
const version = (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }).version;
// Equal for every process started from the same bundle.
const buildId = createHash("sha256").update(readFileSync(entryFile)).digest("hex").slice(0, 16);

const redis = createRedisClient(env, {
  connectionName: "hop-worker",
  onConnectionError: (error) => log.warn({ err: error.message }, "Redis connection error"),
});
// Stream entries are raw text: this client returns replies as Redis sent them.
const streamRedis = createRedisClient(env, {
  connectionName: "hop-worker-clicks",
  rawReplies: true,
  onConnectionError: (error) => log.warn({ err: error.message }, "Redis connection error"),
});
// Prisma for job handlers and click batches (one transaction at a time each).
const db = createDatabase(env.DATABASE_URL, { maxConnections: env.WORKER_CONCURRENCY + 2 });
// The job runner's slots and its listener, plus the probe runner's slot and its listener.
const pool = new pg.Pool({ connectionString: env.DATABASE_URL, max: env.WORKER_CONCURRENCY + 4 });
// An idle client losing its connection (database restart) must not crash the process; the pool reconnects.
pool.on("error", (error) => log.warn({ err: error.message }, "PostgreSQL connection error"));
pool.on("connect", (client) => client.on("error", (error) => log.warn({ err: error.message }, "PostgreSQL connection error")));
const jobLogger = new JobLogger((scope) => (level, message, meta) => {
  const line = { scope: scope.label, jobId: scope.jobId, task: scope.taskIdentifier, ...meta };
  if (level === "error") log.error(line, message);
  else if (level === "warning") log.warn(line, message);
  else log.debug(line, message);
});

// graphile-worker locks jobs under its pool's id (batched fetches), and under a worker's id in some paths.
const jobWorkerIds = new Set<string>();
const events: WorkerEvents = new EventEmitter();
events.on("pool:create", ({ workerPool }) => jobWorkerIds.add(workerPool.id));
events.on("worker:create", ({ worker }) => jobWorkerIds.add(worker.workerId));
events.on("worker:stop", ({ worker }) => jobWorkerIds.delete(worker.workerId));
events.on("job:start", ({ job, worker }) =>
  log.info({ jobId: job.id, task: job.task_identifier, attempt: job.attempts, workerId: worker.workerId }, "job started"),
);
events.on("job:success", ({ job }) => log.info({ jobId: job.id, task: job.task_identifier }, "job done"));
events.on("job:error", ({ job, error }) => log.warn({ jobId: job.id, task: job.task_identifier, err: String(error) }, "job failed; will retry"));

// Without SMTP_URL, mail is written to the log so the flow can be followed in `pnpm dev`.
const mailer = createMailer(env, (message) => log.info({ mail: message }, "mail not sent (SMTP_URL unset); here it is"));
if (!mailer.delivers) log.warn("SMTP_URL is unset: mail goes to this log, not to anyone's inbox");
const { "system.probe": probeTask, ...userTasks } = createTaskList({
  redis: redis.redis,
  streamRedis: streamRedis.redis,
  db,
  instanceId: instance.id,
  log,
  clickRetentionDays: env.CLICK_RETENTION_DAYS,
  exportRetentionHours: env.EXPORT_RETENTION_HOURS,
  // Beside this file: dist/export-process.js in the build, src/export-process.ts under tsx.
  exportProcessEntry: join(dirname(entryFile), `export-process${extname(entryFile)}`),
  mailer,
  metadataFetch: { allowLoopback: env.METADATA_FETCH_ALLOW_LOOPBACK, timeoutMs: env.METADATA_FETCH_TIMEOUT_MS, maxBytes: env.METADATA_FETCH_MAX_BYTES },
  webhooks: {
    maxAttempts: env.WEBHOOK_MAX_ATTEMPTS,
    retryBaseMs: env.WEBHOOK_RETRY_BASE_MS,
    disableAfterFailures: env.WEBHOOK_DISABLE_AFTER_FAILURES,
    timeoutMs: env.WEBHOOK_TIMEOUT_MS,
    allowLoopback: env.METADATA_FETCH_ALLOW_LOOPBACK,
  },
  webhookLog: { retentionDays: env.WEBHOOK_LOG_RETENTION_DAYS, keepPerEndpoint: env.WEBHOOK_LOG_KEEP_PER_ENDPOINT },
});
const runner = await run({
  pgPool: pool,
  concurrency: env.WORKER_CONCURRENCY,
  noHandleSignals: true,
  logger: jobLogger,
  events,
  parsedCronItems: cronItems,
  taskList: userTasks,
});
// Operators' probes get a runner of their own with one slot, so a held probe
// never takes one of the WORKER_CONCURRENCY slots of user jobs (a runner only
// fetches the tasks in its list). Their named queue lets one run at a time in
// the whole cluster.
const probeRunner = await run({
  pgPool: pool,
  concurrency: 1,
  noHandleSignals: true,
  logger: jobLogger,
  events,
  taskList: { "system.probe": probeTask },
});
const clickIngestion = startClickIngestion({
  db,
  redis: streamRedis.redis,
  consumer: instance.id,
  batchSize: env.CLICK_BATCH_SIZE,
  claimIdleMs: env.CLICK_CLAIM_IDLE_MS,
  idleBackoffMs: env.CLICK_IDLE_BACKOFF_MS,
  log,
  visitorHashSecret: env.VISITOR_HASH_SECRET,
});
const workerUtils = await makeWorkerUtils({ pgPool: pool, logger: jobLogger });
// Ready means clicks are counted at full speed from the first batch on (a rolling deploy waits for it).
await clickIngestion.warmedUp;

const heartbeat = await startHeartbeat({
  redis: redis.redis,
  describe: () => ({
    kind: "worker",
    id: instance.id,
    host: instance.host,
    pid: process.pid,
    version,
    buildId,
    url: null,
    startedAt: instance.startedAt,
    jobWorkerIds: [...jobWorkerIds],
  }),
  onError: (error) => log.warn({ err: error instanceof Error ? error.message : String(error) }, "heartbeat failed"),
});

const reaper = setInterval(() => {
  releaseJobsOfDeadWorkers({ pool, redis: redis.redis, workerUtils }).then(
    (released) => released.deadWorkerIds.length > 0 && log.warn(released, "handed back the jobs of dead workers"),
    (error: unknown) => log.warn({ err: error instanceof Error ? error.message : String(error) }, "could not check for dead workers"),
  );
}, heartbeatIntervalMs);
reaper.unref();

log.info(
  { instanceId: instance.id, jobWorkerIds: [...jobWorkerIds], buildId, concurrency: env.WORKER_CONCURRENCY, startupMs: Math.round(performance.now()) },
  "worker ready",
);

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, "stopping: committing the click batch in hand, finishing running jobs");
  const forceExit = setTimeout(() => {
    // Jobs still locked by this process are handed back by a live worker once our heartbeat is gone.
    log.error("jobs did not finish in time; exiting, they will run elsewhere");
    process.exit(1);
  }, env.SHUTDOWN_TIMEOUT_MS);
  forceExit.unref();
  clearInterval(reaper);
  await Promise.all([clickIngestion.stop(), runner.stop(), probeRunner.stop()]);
  await heartbeat.stop();
  await workerUtils.release();
  mailer.close();
  await Promise.allSettled([pool.end(), db.$disconnect(), redis.close(), streamRedis.close()]);
  log.info("stopped");
  process.exit(0);
};
process.on("SIGTERM", () => void stop("SIGTERM"));
process.on("SIGINT", () => void stop("SIGINT"));
