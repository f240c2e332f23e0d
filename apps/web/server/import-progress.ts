/**
 * GET /api/imports/events: the progress of the signed-in user's imports, on
 * whichever instance the page is open. The importing worker publishes each
 * batch's counters on one Redis channel (the numbers themselves are in
 * PostgreSQL); user-event-streams.ts fans each message out to the user it
 * names, and a page reads the import once on `hello`.
 */
import { importProgressSchema } from "@hop/api";
import { redisKeys } from "@hop/redis";
import type { WebServices } from "../src/server/services";
import { startUserEventStreams, type UserEventStreams } from "./user-event-streams";

export const importProgressPath = "/api/imports/events";

export function startImportProgress(services: WebServices): UserEventStreams {
  return startUserEventStreams(services, {
    name: "import progress",
    channel: redisKeys.importProgressChannel(),
    unauthorizedMessage: "Sign in to follow your imports",
    eventsOf(message) {
      const parsed = importProgressSchema.safeParse(message);
      return parsed.success ? [{ userId: parsed.data.userId, event: "progress", data: parsed.data }] : null;
    },
  });
}
