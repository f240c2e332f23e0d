import { z } from "zod";

/** The kinds of long-running Hop processes that report themselves alive. */
export const processKindSchema = z.enum(["web", "worker"]);
export type ProcessKind = z.infer<typeof processKindSchema>;

/**
 * What a live process writes about itself to Redis on every heartbeat. The
 * record expires shortly after the last heartbeat, so the set of records is
 * exactly the set of live processes.
 */
export const instanceRecordSchema = z.object({
  kind: processKindSchema,
  /** Unique per process start. */
  id: z.string().min(1),
  host: z.string(),
  pid: z.number().int(),
  /** The package version of the running build. */
  version: z.string(),
  /** Next's build id for web processes, the worker bundle's hash for workers: equal across instances of one build. */
  buildId: z.string(),
  /** Where a web process listens, e.g. http://127.0.0.1:3000; null for workers. */
  url: z.string().nullable(),
  startedAt: z.iso.datetime(),
  lastHeartbeatAt: z.iso.datetime(),
  /** The ids the job engine locks jobs under in a worker process (its pool's and its workers'): jobs locked by an id no live process claims are handed back. */
  jobWorkerIds: z.array(z.string()).default([]),
});
export type InstanceRecord = z.infer<typeof instanceRecordSchema>;

/** Job counts of the durable queue. */
export const queueStatsSchema = z.object({
  /** Waiting to run now or later (includes scheduled and retrying jobs). */
  queued: z.number().int().nonnegative(),
  /** Locked by a worker right now. */
  running: z.number().int().nonnegative(),
  /** Out of attempts: will not run again on their own. */
  failed: z.number().int().nonnegative(),
});
export type QueueStats = z.infer<typeof queueStatsSchema>;

/** How far click ingestion is behind: the clicks stream's consumer group. */
export const clickStreamLagSchema = z.object({
  /** Read by a worker, not yet committed and acknowledged. */
  pending: z.number().int().nonnegative(),
  /** In the stream, not yet read by any worker. */
  unread: z.number().int().nonnegative(),
});
export type ClickStreamLag = z.infer<typeof clickStreamLagSchema>;

/** The queue's job counts beside the clicks stream's lag (null when Redis could not be asked). */
export const systemQueueSchema = queueStatsSchema.extend({ clicks: clickStreamLagSchema.nullable() });
export type SystemQueue = z.infer<typeof systemQueueSchema>;
