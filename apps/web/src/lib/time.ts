/**
 * How long ago `iso` was, from `now`, in short words: "2 s ago", "5 min ago",
 * "3 h ago", "4 d ago". A time slightly in the future (clocks of two machines
 * disagree a little) reads as "0 s ago".
 */
export function formatAgo(iso: string, now: number): string {
  const seconds = Math.max(0, Math.floor((now - Date.parse(iso)) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} d ago`;
}

/** A length of time in the unit that reads best: "35 ms", "1.2 s", "2 min 5 s". */
export function formatDuration(ms: number): string {
  const value = Math.max(0, ms);
  if (value < 1000) return `${Math.round(value).toLocaleString("en")} ms`;
  if (value < 60_000) return value % 1000 === 0 ? `${value / 1000} s` : `${(value / 1000).toFixed(value < 10_000 ? 2 : 1)} s`;
  const minutes = Math.floor(value / 60_000);
  const seconds = Math.round((value % 60_000) / 1000);
  return seconds === 0 ? `${minutes} min` : `${minutes} min ${seconds} s`;
}

/** A date and time in the reader's locale and time zone: "Nov 25, 2026, 14:02:11". */
export function formatDateTime(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "medium" });
}

/** A time of day to the millisecond, for events that happen within a second of each other: "14:02:11.123". */
export function formatTimeOfDay(iso: string): string {
  return new Date(iso).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit", fractionalSecondDigits: 3, hour12: false });
}

/** A compact absolute time: the time of day for today, else the date and time ("Nov 24, 09:15"). */
export function formatCompactDateTime(iso: string, now: number): string {
  const date = new Date(iso);
  const sameDay = new Date(now).toDateString() === date.toDateString();
  return sameDay
    ? date.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit" })
    : date.toLocaleString(undefined, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
}
