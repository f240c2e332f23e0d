"use client";

import { liveUpdateSchema, type LiveUpdate } from "@hop/clicks/live-update";
import { useEffect, useRef, useState } from "react";

export type LiveStatus = "connecting" | "live" | "reconnecting";

/**
 * After an answer that is not a stream (a 503 from an instance that is
 * stopping, a 401 once signed out), EventSource gives up: a new one this much
 * later, twice as long after each refusal in a row, at most 30 s.
 */
const firstRetryMs = 2_000;
const longestRetryMs = 30_000;

/**
 * Follows /api/live: the server pushes an event when clicks of the user's
 * links have been counted (no polling). EventSource reconnects by itself, to
 * whichever instance answers; every (re)connection starts with a `hello`, on
 * which `onCounted(null)` is called too, so the cards catch up on what
 * happened while the stream was down.
 */
export function useLiveClicks(onCounted: (update: LiveUpdate | null) => void): LiveStatus {
  const [status, setStatus] = useState<LiveStatus>("connecting");
  const callback = useRef(onCounted);
  callback.current = onCounted;

  useEffect(() => {
    let source: EventSource | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let connectedBefore = false;
    let retryMs = firstRetryMs;
    const connect = () => {
      const current = new EventSource("/api/live");
      source = current;
      current.addEventListener("hello", () => {
        setStatus("live");
        retryMs = firstRetryMs;
        if (connectedBefore) callback.current(null);
        connectedBefore = true;
      });
      current.addEventListener("clicks", (event) => {
        const parsed = liveUpdateSchema.safeParse(JSON.parse((event as MessageEvent<string>).data));
        if (parsed.success) callback.current(parsed.data);
      });
      current.addEventListener("error", () => {
        setStatus("reconnecting");
        if (current.readyState !== EventSource.CLOSED) return;
        retry = setTimeout(connect, retryMs);
        retryMs = Math.min(longestRetryMs, retryMs * 2);
      });
    };
    connect();
    return () => {
      clearTimeout(retry);
      source?.close();
    };
  }, []);

  return status;
}
