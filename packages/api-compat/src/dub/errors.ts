import { SlugTakenError } from "@hop/api";
import type { TRPCError } from "@trpc/server";
import { type CompatResponse, httpStatusOf } from "../http";

/** dub's error codes; its SDK expects each status with exactly its code. */
const codeByStatus: Record<number, string> = {
  400: "bad_request",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  409: "conflict",
  422: "unprocessable_entity",
  429: "rate_limit_exceeded",
  500: "internal_server_error",
};

const docUrl = (code: string) => `https://dub.co/docs/api-reference/errors#${code.replaceAll("_", "-")}`;

/** A refusal as dub answers it: `{ error: { code, message, doc_url } }`; a taken slug (key) is dub's 409 conflict. */
export function dubError(error: TRPCError): CompatResponse {
  const { status: trpcStatus, retryAfterSeconds } = httpStatusOf(error);
  const status = error.cause instanceof SlugTakenError ? 409 : trpcStatus;
  const code = codeByStatus[status] ?? (status >= 500 ? "internal_server_error" : "bad_request");
  const headers: Record<string, string> = {};
  if (retryAfterSeconds !== null) headers["retry-after"] = String(retryAfterSeconds);
  return { status, headers, body: { error: { code, message: error.message, doc_url: docUrl(code) } } };
}

/** dub's code for a refusal, for the per-link errors of a bulk create. */
export function dubErrorCode(error: TRPCError): string {
  return (dubError(error).body as { error: { code: string } }).error.code;
}
