import { randomUUID } from "node:crypto";
import { readClickStreamLag } from "@hop/clicks";
import { enqueueJob, readQueueStats } from "@hop/jobs";
import { listLiveInstances } from "@hop/presence";
import { redisKeys } from "@hop/redis";
import { probeEventSchema, probeIdInput, sendProbeInput, type ProbeEvent, type SystemQueue } from "@hop/validators";
import { TRPCError, type TRPCRouterRecord } from "@trpc/server";
import { enforceRateLimit } from "../errors";
import { operatorProcedure } from "../trpc";

const probeTtlSeconds = 3_600;
/** Probes waiting in their queue (they run one at a time): past this, a new one is refused rather than queued behind them. */
export const maxWaitingProbes = 20;

/** Every procedure here is for operators only (OPERATOR_EMAILS): it shows hosts, pids and builds, and puts work in the queue. */
export const systemRouter = {
  /** Every live web and worker process, from their heartbeats. */
  instances: operatorProcedure.query(({ ctx }) => listLiveInstances(ctx.redis)),

  /** Job counts of the durable queue, and the clicks stream's lag (pending with a worker, unread). */
  queue: operatorProcedure.query(async ({ ctx }): Promise<SystemQueue> => {
    const [jobs, clicks] = await Promise.all([readQueueStats(ctx.db), readClickStreamLag(ctx.redis).catch(() => null)]);
    return { ...jobs, clicks };
  }),

  /**
   * Sends a probe job through the queue; `system.probe` shows who ran it and
   * when. Limited per operator; probes run in their own queue, one at a time,
   * in a worker slot of their own, so they never hold up user jobs.
   */
  sendProbe: operatorProcedure.input(sendProbeInput).mutation(async ({ ctx, input }) => {
    await enforceRateLimit(ctx, "probeSendPerOperator", ctx.operator.userId);
    const waiting = await ctx.db.$queryRaw<{ count: bigint }[]>`
      SELECT count(*) AS count FROM graphile_worker.jobs WHERE task_identifier = 'system.probe' AND locked_at IS NULL`;
    if (Number(waiting[0]?.count ?? 0) >= maxWaitingProbes) {
      throw new TRPCError({ code: "TOO_MANY_REQUESTS", message: `${maxWaitingProbes} probes are already waiting to run. Try again once they have.` });
    }
    const probeId = randomUUID();
    const sent: ProbeEvent = { event: "sent", instanceId: ctx.instanceId, at: new Date().toISOString() };
    const key = redisKeys.probe(probeId);
    await ctx.redis.rpush(key, sent);
    await ctx.redis.expire(key, probeTtlSeconds);
    const jobId = await enqueueJob(ctx.db, "system.probe", { probeId, holdMs: input.holdMs });
    return { probeId, jobId };
  }),

  probe: operatorProcedure.input(probeIdInput).query(async ({ ctx, input }) => {
    const raw = await ctx.redis.lrange<unknown>(redisKeys.probe(input.probeId), 0, -1);
    return raw.flatMap((entry) => {
      const parsed = probeEventSchema.safeParse(entry);
      return parsed.success ? [parsed.data] : [];
    });
  }),
} satisfies TRPCRouterRecord;
