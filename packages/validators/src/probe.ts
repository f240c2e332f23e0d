import { z } from "zod";

/**
 * The longest a probe may hold its job. Probes run in a slot of their own
 * and one at a time per cluster, so a hold never delays user jobs; the cap
 * only keeps other operators' probes from waiting long.
 */
export const maxProbeHoldMs = 60_000;

export const sendProbeInput = z.object({
  /** How long the worker keeps the probe job running, to watch a hand-over. */
  holdMs: z
    .number()
    .int()
    .min(0)
    .max(maxProbeHoldMs, `A probe holds its job for at most ${maxProbeHoldMs / 1000} s`)
    .default(0),
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
