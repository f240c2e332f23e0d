import { z } from "zod";

export const sendProbeInput = z.object({
  /** How long the worker keeps the probe job running, to watch a hand-over. */
  holdMs: z.number().int().min(0).max(120_000).default(0),
});

export const probeIdInput = z.object({ probeId: z.uuid() });

/** One thing that happened to a probe, appended to its list in Redis. */
export const probeEventSchema = z.object({
  event: z.enum(["sent", "started", "finished"]),
  /** The process that did it. */
  instanceId: z.string(),
  at: z.iso.datetime(),
});
export type ProbeEvent = z.infer<typeof probeEventSchema>;
