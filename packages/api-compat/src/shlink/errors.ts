import { FieldError, SlugTakenError } from "@hop/api";
import type { TRPCError } from "@trpc/server";
import { ZodError } from "zod";
import { type CompatResponse, httpStatusOf } from "../http";

/** Shlink's problem types (its REST v3 error contract), https://shlink.io/api/error/<name>. */
const type = (name: string) => `https://shlink.io/api/error/${name}`;

/** What a 404 is about, which picks Shlink's type for it. */
export type ShlinkSubject = "short-url" | "tag" | "other";

/** Field names a refused input names, for Shlink's `invalidElements`. */
function invalidElements(error: TRPCError): string[] {
  if (error.cause instanceof ZodError) return [...new Set(error.cause.issues.map((issue) => String(issue.path[0] ?? "")).filter(Boolean))];
  if (error.cause instanceof FieldError) return [error.cause.field];
  return [];
}

/** A refusal as Shlink answers it: RFC 7807 problem details with Shlink's type URIs. */
export function shlinkProblem(error: TRPCError, subject: ShlinkSubject, keyGiven: boolean): CompatResponse {
  const { status, retryAfterSeconds } = httpStatusOf(error);
  const headers: Record<string, string> = { "content-type": "application/problem+json" };
  if (retryAfterSeconds !== null) headers["retry-after"] = String(retryAfterSeconds);
  const problem = (typeName: string, title: string, extra: Record<string, unknown> = {}): CompatResponse => ({
    status,
    headers,
    body: { type: typeName, title, detail: error.message, status, ...extra },
  });
  if (error.cause instanceof SlugTakenError) return problem(type("non-unique-slug"), "Invalid custom slug");
  switch (error.code) {
    case "BAD_REQUEST":
      return problem(type("invalid-data"), "Invalid data", { invalidElements: invalidElements(error) });
    case "UNAUTHORIZED":
      // No key at all is Shlink's "missing-authentication", with its own words; a wrong one "invalid-api-key".
      if (!keyGiven) {
        const detail = 'Expected one of the following authentication headers, ["X-Api-Key"], but none were provided';
        return { status, headers, body: { type: type("missing-authentication"), title: "Invalid authorization", detail, status } };
      }
      return problem(type("invalid-api-key"), "Invalid API key");
    case "FORBIDDEN":
      return subject === "tag" ? problem(type("forbidden-tag-operation"), "Forbidden tag operation") : problem(type("invalid-api-key"), "Forbidden");
    case "NOT_FOUND":
      if (subject === "short-url") return problem(type("short-url-not-found"), "Short URL not found");
      if (subject === "tag") return problem(type("tag-not-found"), "Tag not found");
      return problem(type("not-found"), "Not found");
    default:
      // Shlink has no type of its own for these (rate limits, unavailable, failures): RFC 7807's generic one.
      return problem("about:blank", status === 429 ? "Too many requests" : status >= 500 ? "Service unavailable" : "Error");
  }
}
