/**
 * GET /api/live: tells a signed-in user's open dashboards, on whichever
 * instance they are, that clicks of their links have been counted. The worker
 * publishes on one Redis channel after each committed batch (so a dashboard
 * that refetches sees the clicks in the rollups); user-event-streams.ts fans
 * each message out to the users it names.
 */
import { liveBatchSchema, type LiveUpdate } from "@hop/clicks";
import { redisKeys } from "@hop/redis";
import type { WebServices } from "../src/server/services";
import { startUserEventStreams, type UserEventStreams } from "./user-event-streams";

export const liveClicksPath = "/api/live";

export function startLiveClicks(services: WebServices): UserEventStreams {
  return startUserEventStreams(services, {
    name: "live clicks",
    channel: redisKeys.liveClicksChannel(),
    unauthorizedMessage: "Sign in to follow your clicks live",
    eventsOf(message) {
      const parsed = liveBatchSchema.safeParse(message);
      if (!parsed.success) return null;
      const { at, users } = parsed.data;
      return Object.entries(users).map(([userId, update]) => ({ userId, event: "clicks", data: { at, ...update } satisfies LiveUpdate, id: String(at) }));
    },
  });
}
