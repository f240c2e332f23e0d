import type { Database } from "@hop/db";
import type { Redis } from "@hop/redis";

/** Who is signed in; filled in by the session layer (packages/auth). */
export interface SessionUser {
  userId: string;
}

/**
 * What every procedure gets. The process builds the clients once and passes
 * them in per request; nothing here outlives the request except connections.
 */
export interface TRPCContext {
  db: Database;
  redis: Redis;
  /** The id of the process answering (web instance), for diagnostics. */
  instanceId: string;
  headers: Headers;
  session: SessionUser | null;
}

export type CreateContextOptions = Omit<TRPCContext, "session"> & { session?: SessionUser | null };

export function createTRPCContext(options: CreateContextOptions): TRPCContext {
  return { ...options, session: options.session ?? null };
}
