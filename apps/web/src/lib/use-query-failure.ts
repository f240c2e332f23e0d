"use client";

import type { UseQueryResult } from "@tanstack/react-query";
import { useState } from "react";

export interface QueryFailure<TError> {
  /** The last answer was an error: the shown data (if any) is from before it. */
  failing: boolean;
  /** The last error while failing, else null. */
  error: TError | null;
}

/**
 * Whether a polled query is failing, steady across its retries. React Query
 * resets a query that has no data yet to "pending" (and its error to null)
 * whenever it fetches again, so with a refetch interval `isError` would blink
 * between the error and the loading state; this stays failing until a fetch
 * succeeds.
 */
export function useQueryFailure<TData, TError>(query: UseQueryResult<TData, TError>): QueryFailure<TError> {
  const [lastError, setLastError] = useState<TError | null>(null);
  if (query.error !== null && query.error !== lastError) setLastError(query.error);
  const failing = query.errorUpdatedAt > query.dataUpdatedAt;
  return { failing, error: failing ? (query.error ?? lastError) : null };
}
