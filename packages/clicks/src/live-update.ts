import { z } from "zod";

/**
 * What a dashboard learns, live, when clicks of its owner's links have been
 * counted: which links, how many clicks each (bots included: a view with
 * bots shown changes too). Pure (no Redis), so the browser parses the same
 * shape the worker publishes. The dashboard then asks for its cards again;
 * the numbers themselves always come from PostgreSQL.
 */
export const liveUpdateSchema = z.object({
  /** When the worker published it (ms since the epoch). */
  at: z.number().int().nonnegative(),
  links: z.record(z.string(), z.number().int().nonnegative()),
});
export type LiveUpdate = z.infer<typeof liveUpdateSchema>;

/** One message on the Redis channel: the updates of one committed batch, by the links' owner. */
export const liveBatchSchema = z.object({ at: z.number().int().nonnegative(), users: z.record(z.string(), liveUpdateSchema.pick({ links: true })) });
export type LiveBatch = z.infer<typeof liveBatchSchema>;
