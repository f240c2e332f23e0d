"use client";

import { useId, useMemo, useState } from "react";
import { Button } from "~/components/ui/button";
import { Input } from "~/components/ui/input";
import { Label } from "~/components/ui/label";
import { Select } from "~/components/ui/select";
import { offeredPeriods, type AnalyticsView } from "~/lib/analytics-view";

/** Period (24 h, 7/30/90 days, a custom range of days), time zone and bots: everything but the filters. */
export function ViewControls({
  view,
  timeZone,
  onChange,
}: {
  view: AnalyticsView;
  timeZone: string | null;
  onChange: (change: Partial<AnalyticsView>) => void;
}) {
  const id = useId();
  const [customOpen, setCustomOpen] = useState(view.period === "custom");
  // Days as the view's zone names them (en-CA writes YYYY-MM-DD): after 18:30 UTC it is already tomorrow in India.
  const dayIn = (instant: number) => new Intl.DateTimeFormat("en-CA", { timeZone: timeZone ?? "UTC" }).format(instant);
  const today = dayIn(Date.now());
  const [from, setFrom] = useState(view.from ?? dayIn(Date.now() - 6 * 86_400_000));
  const [to, setTo] = useState(view.to ?? today);
  const zones = useMemo(() => {
    const all = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : ["UTC"];
    return [...new Set([...(timeZone ? [timeZone] : []), "UTC", ...all])];
  }, [timeZone]);
  const rangeInvalid = !from || !to || from > to;

  return (
    <div className="flex flex-col gap-3">
      <div className="flex flex-wrap items-end gap-3">
        {/* biome-ignore lint/a11y/useSemanticElements: a set of toggle buttons is ARIA's role=group; a fieldset would make it a form section */}
        <div role="group" aria-label="Period" className="inline-flex flex-wrap rounded-md border bg-muted/40 p-0.5">
          {offeredPeriods.map((period) => {
            const active = period.value === "custom" ? view.period === "custom" || customOpen : view.period === period.value && !customOpen;
            return (
              <Button
                key={period.value}
                variant={active ? "outline" : "ghost"}
                size="sm"
                className="h-7 px-2.5"
                aria-pressed={active}
                aria-label={period.label}
                onClick={() => {
                  if (period.value === "custom") setCustomOpen(true);
                  else {
                    setCustomOpen(false);
                    onChange({ period: period.value, from: null, to: null });
                  }
                }}
              >
                {period.short}
              </Button>
            );
          })}
        </div>
        <div className="grid min-w-0 gap-1">
          <Label htmlFor={`${id}-zone`} className="text-xs text-muted-foreground">
            Time zone
          </Label>
          <Select
            id={`${id}-zone`}
            value={timeZone ?? "UTC"}
            className="h-8 w-56 max-w-full text-[13px]"
            onChange={(event) => onChange({ timezone: event.target.value })}
          >
            {zones.map((zone) => (
              <option key={zone} value={zone}>
                {zone.replaceAll("_", " ")}
              </option>
            ))}
          </Select>
        </div>
        <label className="flex h-8 items-center gap-2 text-sm">
          <input
            type="checkbox"
            className="size-4 accent-brand"
            checked={view.includeBots}
            onChange={(event) => onChange({ includeBots: event.target.checked })}
          />
          Include bots
        </label>
      </div>
      {customOpen ? (
        <form
          className="flex flex-wrap items-end gap-3"
          aria-label="Custom range"
          onSubmit={(event) => {
            event.preventDefault();
            if (!rangeInvalid) onChange({ period: "custom", from, to });
          }}
        >
          <div className="grid gap-1">
            <Label htmlFor={`${id}-from`} className="text-xs text-muted-foreground">
              From
            </Label>
            <Input id={`${id}-from`} type="date" value={from} max={to || today} onChange={(event) => setFrom(event.target.value)} className="h-8 w-40" />
          </div>
          <div className="grid gap-1">
            <Label htmlFor={`${id}-to`} className="text-xs text-muted-foreground">
              To (included)
            </Label>
            <Input
              id={`${id}-to`}
              type="date"
              value={to}
              min={from}
              onChange={(event) => setTo(event.target.value)}
              className="h-8 w-40"
              aria-invalid={rangeInvalid || undefined}
            />
          </div>
          <Button type="submit" size="sm" disabled={rangeInvalid}>
            Show range
          </Button>
          {rangeInvalid ? <p className="text-sm text-destructive">The start must be on or before the end.</p> : null}
        </form>
      ) : null}
    </div>
  );
}
