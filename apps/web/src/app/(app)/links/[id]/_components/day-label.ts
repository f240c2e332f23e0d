/** "Nov 25" for a rollup's UTC day ("2026-11-25"), whatever the reader's time zone. */
export function dayLabel(day: string, options: Intl.DateTimeFormatOptions = { month: "short", day: "numeric" }): string {
  return new Date(`${day}T00:00:00Z`).toLocaleDateString(undefined, { ...options, timeZone: "UTC" });
}
