import type { AppRouter } from "@hop/api";
import { isTRPCClientError } from "@trpc/client";

export interface ApiErrorDescription {
  /** A sentence for the user. */
  message: string;
  /** What the client saw, for an operator; null when the message already says it. */
  detail: string | null;
}

/**
 * Words for a failed API call. The API's own messages (bad input, not signed
 * in) are meant for users and pass through; a failure to reach the API at all
 * (no answer, a proxy's error page, a crash with no body) gets a sentence
 * that says what to check, with the raw text as detail.
 */
export function describeApiError(error: unknown): ApiErrorDescription {
  const raw = error instanceof Error ? error.message : String(error);
  if (isTRPCClientError<AppRouter>(error) && error.data) {
    const status = error.data.httpStatus;
    if (status < 500) return { message: raw, detail: null };
    // "Try again shortly" answers (Redis unreachable, password checks busy) are written for users and say when.
    if (error.data.code === "SERVICE_UNAVAILABLE" && error.data.retryAfterSeconds !== null) return { message: raw, detail: null };
    return { message: "The server could not answer this request. Its logs say why.", detail: `${error.data.code}: ${raw}` };
  }
  return {
    message: "The API did not answer. This web instance may be restarting, or unable to reach PostgreSQL or Redis.",
    detail: raw,
  };
}
