import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "~/components/ui/table";
import { dayLabel } from "./day-label";
import type { DayStats } from "./types";

/** The chart's numbers, newest day first, behind a disclosure: for screen readers, copying, and exact values. */
export function DayTable({ days }: { days: DayStats[] }) {
  return (
    <details className="group rounded-lg border">
      <summary className="cursor-pointer rounded-lg px-4 py-2.5 text-sm font-medium select-none hover:bg-accent focus-visible:outline-2 focus-visible:outline-ring">
        Numbers by day
      </summary>
      <Table containerClassName="border-t" data-testid="day-table">
        <TableHeader>
          <TableRow>
            <TableHead>Day (UTC)</TableHead>
            <TableHead className="text-right">Clicks</TableHead>
            <TableHead className="text-right whitespace-normal">Unique visitors</TableHead>
            <TableHead className="text-right whitespace-normal">Bot clicks</TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {[...days].reverse().map((day) => (
            <TableRow key={day.day}>
              <TableCell>
                {/* Without the year on a phone, so the four columns fit its width (the range is at most 90 days). */}
                <time dateTime={day.day} title={dayLabel(day.day, { dateStyle: "full" })}>
                  <span className="sm:hidden">{dayLabel(day.day, { weekday: "short", month: "short", day: "numeric" })}</span>
                  <span className="hidden sm:inline">{dayLabel(day.day, { weekday: "short", month: "short", day: "numeric", year: "numeric" })}</span>
                </time>
              </TableCell>
              <TableCell className="text-right tabular-nums">{day.clicks.toLocaleString()}</TableCell>
              <TableCell className="text-right tabular-nums">{day.uniqueVisitors.toLocaleString()}</TableCell>
              <TableCell className="text-right text-muted-foreground tabular-nums">{day.botClicks.toLocaleString()}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </details>
  );
}
