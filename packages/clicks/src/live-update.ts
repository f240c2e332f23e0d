import { z } from "zod";

/**
 * What a dashboard learns, live, when clicks of its owner's links have been
 * counted. Pure (no Redis), so the browser parses the same shape the worker
 * publishes.
 *
 * `minutes` holds totals, not increments: human clicks per minute (the
 * minute's start, ms since the epoch, as the key) as they stand after this
 * update. A dashboard merges them by taking the larger number, so an update
 * that arrives twice, late or out of order changes nothing it should not.
 */
export const liveMinutesSchema = z.record(z.string().regex(/^\d{1,15}$/), z.number().int().nonnegative());
export type LiveMinutes = z.infer<typeof liveMinutesSchema>;

export const liveUpdateSchema = z.object({
  /** When the worker published it (ms since the epoch). */
  at: z.number().int().nonnegative(),
  minutes: liveMinutesSchema,
  /** Clicks just counted per link id, bots included (a view with bots shown changes too). */
  links: z.record(z.string(), z.number().int().nonnegative()),
});
export type LiveUpdate = z.infer<typeof liveUpdateSchema>;

/** One message on the Redis channel: the updates of one ingested batch, by the links' owner. */
export const liveBatchSchema = z.object({ at: z.number().int().nonnegative(), users: z.record(z.string(), liveUpdateSchema.omit({ at: true })) });
export type LiveBatch = z.infer<typeof liveBatchSchema>;

/** How far back the live view looks. */
export const liveWindowMinutes = 30;
const minuteMs = 60_000;

export function minuteStart(ms: number): number {
  return ms - (ms % minuteMs);
}

/** The two views merged, keeping only minutes still inside the window that ends at `now`. */
export function mergeLiveMinutes(current: LiveMinutes, incoming: LiveMinutes, now: number): LiveMinutes {
  const oldest = minuteStart(now) - (liveWindowMinutes - 1) * minuteMs;
  const merged: LiveMinutes = {};
  for (const source of [current, incoming]) {
    for (const [minute, clicks] of Object.entries(source)) {
      if (Number(minute) < oldest) continue;
      merged[minute] = Math.max(merged[minute] ?? 0, clicks);
    }
  }
  return merged;
}

/** Clicks per minute over the window ending at `now`, oldest first, missing minutes as zero. */
export function liveSeries(minutes: LiveMinutes, now: number): { minute: number; clicks: number }[] {
  const last = minuteStart(now);
  return Array.from({ length: liveWindowMinutes }, (_, index) => {
    const minute = last - (liveWindowMinutes - 1 - index) * minuteMs;
    return { minute, clicks: minutes[String(minute)] ?? 0 };
  });
}
