"use client";

import { liveMinutesSchema, liveUpdateSchema, mergeLiveMinutes, type LiveMinutes, type LiveUpdate } from "@hop/clicks/live-update";
import { useEffect, useRef, useState } from "react";

export type LiveStatus = "connecting" | "live" | "reconnecting";

export interface LiveClicks {
  status: LiveStatus;
  /** Human clicks per minute over the last half hour, across all the user's links. */
  minutes: LiveMinutes;
}

const reconnectAfterRefusalMs = 2_000;
const snapshotSchema = liveUpdateSchema.pick({ at: true }).extend({ minutes: liveMinutesSchema });

/**
 * Follows /api/live: the server pushes an event when clicks of the user's
 * links have been counted (no polling). EventSource reconnects by itself,
 * to whichever instance answers; each (re)connection starts with the
 * half-hour counts, and `onCounted` is called then too, so the cards catch up
 * on what happened while the stream was down.
 */
export function useLiveClicks(onCounted: (update: LiveUpdate | null) => void): LiveClicks {
  const [status, setStatus] = useState<LiveStatus>("connecting");
  const [minutes, setMinutes] = useState<LiveMinutes>({});
  const callback = useRef(onCounted);
  callback.current = onCounted;

  useEffect(() => {
    let source: EventSource | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let connectedBefore = false;
    const connect = () => {
      const current = new EventSource("/api/live");
      source = current;
      current.addEventListener("snapshot", (event) => {
        const parsed = snapshotSchema.safeParse(JSON.parse((event as MessageEvent<string>).data));
        if (!parsed.success) return;
        setMinutes((known) => mergeLiveMinutes(known, parsed.data.minutes, Date.now()));
        setStatus("live");
        // Back after a drop: whatever was counted meanwhile is only in the cards' next answers.
        if (connectedBefore) callback.current(null);
        connectedBefore = true;
      });
      current.addEventListener("clicks", (event) => {
        const parsed = liveUpdateSchema.safeParse(JSON.parse((event as MessageEvent<string>).data));
        if (!parsed.success) return;
        setMinutes((known) => mergeLiveMinutes(known, parsed.data.minutes, Date.now()));
        callback.current(parsed.data);
      });
      current.addEventListener("error", () => {
        setStatus("reconnecting");
        // EventSource retries a dropped stream itself, but gives up on an answer that is not a stream (a 503 from an
        // instance that is stopping): then a new one, a little later.
        if (current.readyState === EventSource.CLOSED) retry = setTimeout(connect, reconnectAfterRefusalMs);
      });
    };
    connect();
    return () => {
      clearTimeout(retry);
      source?.close();
    };
  }, []);

  return { status, minutes };
}
