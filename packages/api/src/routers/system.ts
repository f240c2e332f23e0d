import { randomUUID } from "node:crypto";
import { readClickStreamLag } from "@hop/clicks";
import { enqueueJob, readQueueStats } from "@hop/jobs";
import { listLiveInstances } from "@hop/presence";
import { redisKeys } from "@hop/redis";
import { probeEventSchema, probeIdInput, sendProbeInput, type ProbeEvent, type SystemQueue } from "@hop/validators";
import type { TRPCRouterRecord } from "@trpc/server";
import { publicProcedure } from "../trpc";

const probeTtlSeconds = 3_600;

export const systemRouter = {
  /** Every live web and worker process, from their heartbeats. */
  instances: publicProcedure.query(({ ctx }) => listLiveInstances(ctx.redis)),

  /** Job counts of the durable queue, and the clicks stream's lag (pending with a worker, unread). */
  queue: publicProcedure.query(async ({ ctx }): Promise<SystemQueue> => {
    const [jobs, clicks] = await Promise.all([readQueueStats(ctx.db), readClickStreamLag(ctx.redis).catch(() => null)]);
    return { ...jobs, clicks };
  }),

  /** Sends a probe job through the queue; `system.probe` shows who ran it and when. */
  sendProbe: publicProcedure.input(sendProbeInput).mutation(async ({ ctx, input }) => {
    const probeId = randomUUID();
    const sent: ProbeEvent = { event: "sent", instanceId: ctx.instanceId, at: new Date().toISOString() };
    const key = redisKeys.probe(probeId);
    await ctx.redis.rpush(key, sent);
    await ctx.redis.expire(key, probeTtlSeconds);
    const jobId = await enqueueJob(ctx.db, "system.probe", { probeId, holdMs: input.holdMs });
    return { probeId, jobId };
  }),

  probe: publicProcedure.input(probeIdInput).query(async ({ ctx, input }) => {
    const raw = await ctx.redis.lrange<unknown>(redisKeys.probe(input.probeId), 0, -1);
    return raw.flatMap((entry) => {
      const parsed = probeEventSchema.safeParse(entry);
      return parsed.success ? [parsed.data] : [];
    });
  }),
} satisfies TRPCRouterRecord;
