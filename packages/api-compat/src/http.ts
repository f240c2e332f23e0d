import { type createCaller, retryAfterSecondsOf } from "@hop/api";
import { TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";

/** The same server-side caller the UI's procedures run through, as the API key's user (with its scopes). */
export type Caller = ReturnType<typeof createCaller>;

/** One request to an adapter, already split by the web server: method, path below the API's prefix, query, headers, body. */
export interface CompatRequest {
  method: string;
  /** Below the API's own prefix, e.g. "/short-urls/abc". */
  path: string;
  query: URLSearchParams;
  headers: Headers;
  /** The JSON body, or undefined when there is none; a body that is not JSON throws BodyNotJsonError. */
  readJson(): Promise<unknown>;
  /** The caller of the request's API key; throws a TRPCError (UNAUTHORIZED, TOO_MANY_REQUESTS, ...) when refused. */
  caller(): Promise<Caller>;
}

export interface CompatResponse {
  status: number;
  headers?: Record<string, string>;
  /** Serialised as JSON; absent for 204. */
  body?: unknown;
}

export class BodyNotJsonError extends Error {
  constructor() {
    super("The request body is not valid JSON");
  }
}

/** What any refusal means over HTTP: tRPC's own status for the code, and the wait when the error carries one. */
export function httpStatusOf(error: TRPCError): { status: number; retryAfterSeconds: number | null } {
  return { status: getHTTPStatusCodeFromError(error), retryAfterSeconds: retryAfterSecondsOf(error) };
}

/** Any error as a TRPCError: a body that is not JSON is a bad request; anything else unexpected is a 500. */
export function asTRPCError(error: unknown): TRPCError {
  if (error instanceof TRPCError) return error;
  if (error instanceof BodyNotJsonError) return new TRPCError({ code: "BAD_REQUEST", message: error.message });
  return new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: "Something went wrong on our side", cause: error });
}

/** A date as an ISO 8601 string, or null. */
export const isoOrNull = (date: Date | null): string | null => (date ? date.toISOString() : null);

/** A query value as a whole number within bounds, or the fallback when absent. */
export function intParam(query: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
  const value = query.get(name);
  if (value === null || value === "") return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
    throw new TRPCError({ code: "BAD_REQUEST", message: `${name}: use a whole number from ${min} to ${max}` });
  }
  return parsed;
}

/** Refuses a field the adapted API has but Hop does not do, rather than silently dropping it. */
export function refuseUnsupported(body: Record<string, unknown>, fields: readonly string[]): void {
  for (const field of fields) {
    const value = body[field];
    if (value !== undefined && value !== null && value !== false) {
      throw new TRPCError({ code: "BAD_REQUEST", message: `${field}: Hop does not support this field` });
    }
  }
}

/** The body as a JSON object, or a bad request. */
export function objectBody(body: unknown): Record<string, unknown> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new TRPCError({ code: "BAD_REQUEST", message: "Send a JSON object as the request body" });
  }
  return body as Record<string, unknown>;
}
