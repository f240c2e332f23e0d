import { createSession, sealSessionCookie, sessionCookieName, type SessionSecrets } from "@hop/auth";
import type { Database } from "@hop/db";
import type { Redis } from "@hop/redis";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { appRouter, createCaller, createTRPCContext } from "../../src";

/** One procedure of appRouter, as the router itself lists them. */
export interface ProcedureEntry {
  /** "links.restore" */
  path: string;
  type: "query" | "mutation" | "subscription";
  /** Its input schema (the inputs merged as tRPC does), or null when it takes none. */
  input: z.ZodType | null;
}

interface ProcedureDef {
  type: ProcedureEntry["type"];
  inputs: unknown[];
}

/** Every procedure of appRouter, read from the router: a procedure added tomorrow is in this list. */
export function appProcedures(): ProcedureEntry[] {
  // tRPC keeps the flat list of procedures here; its type is the nested router's, hence the cast through unknown.
  const procedures = appRouter._def.procedures as unknown as Record<string, { _def: ProcedureDef }>;
  return Object.entries(procedures).map(([path, procedure]) => {
    const inputs = procedure._def.inputs.map((parser) => {
      if (!(parser instanceof z.ZodType)) throw new Error(`${path}: its input is not a zod schema; teach the generated tests about it`);
      return parser;
    });
    const [first, ...rest] = inputs;
    // tRPC merges chained .input() objects; so do we.
    const input = first ? rest.reduce<z.ZodType>((merged, next) => z.intersection(merged, next), first) : null;
    return { path, type: procedure._def.type, input };
  });
}

export const sessionSecrets: SessionSecrets = { 1: "generated-tests-secret-0123456789abcdefghij" };

export interface Services {
  db: Database;
  redis: Redis;
}

/** A caller as a signed-in user, through a real session (Redis record + sealed cookie), as sign-in makes it. */
export async function signedInCaller(services: Services, userId: string, clientIp = "203.0.113.7") {
  const session = await createSession(services.redis, { userId, userAgent: "generated-tests", ttlSeconds: 3_600, epoch: 0 });
  if (!session) throw new Error("the session could not be created");
  const cookie = await sealSessionCookie({ sid: session.sessionId, uid: userId, iat: Date.now(), ep: session.epoch }, sessionSecrets, 3_600);
  const caller = createCaller(
    createTRPCContext({
      db: services.db,
      redis: services.redis,
      instanceId: "web-generated-tests",
      request: new Request("https://hop.example/api/trpc", { headers: { cookie: `${sessionCookieName}=${cookie}`, host: "hop.example" } }),
      responseHeaders: new Headers(),
      sessionConfig: { secrets: sessionSecrets, ttlSeconds: 3_600 },
      clientIp,
      operatorEmails: [],
    }),
  );
  return { caller, sessionId: session.sessionId };
}

type Caller = ReturnType<typeof createCaller>;

/** Calls a procedure by its dotted path with any input (the point: inputs its type would not allow). */
export function callProcedure(caller: Caller, path: string, input: unknown): Promise<unknown> {
  let target: unknown = caller;
  for (const segment of path.split(".")) target = (target as Record<string, unknown>)[segment];
  if (typeof target !== "function") throw new Error(`no procedure at ${path}`);
  return Promise.resolve((target as (input: unknown) => unknown)(input));
}

export type Outcome = { ok: true; value: unknown } | { ok: false; error: TRPCError; status: number };

/** What a client over HTTP would get: the value, or the error and its HTTP status. */
export async function outcomeOf(call: Promise<unknown>): Promise<Outcome> {
  try {
    return { ok: true, value: await call };
  } catch (caught) {
    // A server-side caller wraps anything unexpected into INTERNAL_SERVER_ERROR, as the HTTP handler does.
    const error = caught instanceof TRPCError ? caught : new TRPCError({ code: "INTERNAL_SERVER_ERROR", cause: caught });
    return { ok: false, error, status: getHTTPStatusCodeFromError(error) };
  }
}

/**
 * A fingerprint of every row of every table (Hop's and the job queue's):
 * equal before and after a call means the call wrote nothing.
 */
export async function databaseFingerprint(db: Database): Promise<Record<string, string>> {
  const tables = await db.$queryRaw<Array<{ schema: string; name: string }>>`
    SELECT table_schema AS schema, table_name AS name FROM information_schema.tables
    WHERE table_type = 'BASE TABLE' AND (table_schema = 'public' OR (table_schema = 'graphile_worker' AND table_name = '_private_jobs'))
      AND table_name <> '_prisma_migrations'
    ORDER BY 1, 2`;
  const quote = (identifier: string) => `"${identifier.replaceAll('"', '""')}"`;
  const columns = tables.map(
    ({ schema, name }) =>
      `(SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM ${quote(schema)}.${quote(name)} t) AS ${quote(`${schema}.${name}`)}`,
  );
  const [row] = await db.$queryRawUnsafe<Array<Record<string, string>>>(`SELECT ${columns.join(", ")}`);
  return row ?? {};
}

/** Forgets every rate-limit counter, so that repeated calls reach the code behind the limits. */
export async function resetRateLimits(redis: Redis, pattern: string): Promise<void> {
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, { match: pattern, count: 1_000 });
    if (keys.length > 0) await redis.del(...keys);
    cursor = String(next);
  } while (cursor !== "0");
}
