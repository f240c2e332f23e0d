"use client";

import { useEffect, useState } from "react";

/**
 * The current time, updated every `intervalMs`, so that "3 s ago" keeps
 * counting between data refreshes. Only render text from it once data that
 * was fetched in the browser is there (the server's clock would not match).
 */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
