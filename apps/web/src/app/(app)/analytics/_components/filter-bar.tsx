"use client";

import type { AnalyticsFilter } from "@hop/validators";
import { X } from "lucide-react";
import { Button } from "~/components/ui/button";
import { filterLabel } from "./dimension-labels";

/** The filters in force, each removable; Esc (or the button) clears them all. */
export function FilterBar({
  filters,
  linkNames,
  onRemove,
  onClear,
}: {
  filters: readonly AnalyticsFilter[];
  linkNames: ReadonlyMap<string, string>;
  onRemove: (filter: AnalyticsFilter) => void;
  onClear: () => void;
}) {
  if (filters.length === 0) {
    return <p className="text-sm text-muted-foreground">Click any row of a card to narrow the whole page to it.</p>;
  }
  return (
    <section aria-label="Filters" className="flex flex-wrap items-center gap-2">
      <ul className="flex min-w-0 flex-wrap gap-2">
        {filters.map((filter) => {
          const label = filterLabel(filter, linkNames);
          return (
            <li key={`${filter.op}:${filter.dimension}:${filter.value}`} className="min-w-0">
              <span
                data-testid="active-filter"
                className="inline-flex max-w-full items-center gap-1 rounded-full border bg-brand-soft py-0.5 pr-1 pl-3 text-[13px] text-brand-soft-foreground"
              >
                <span className="truncate">{label}</span>
                <button
                  type="button"
                  className="rounded-full p-1 hover:bg-brand/15 focus-visible:outline-2 focus-visible:outline-ring"
                  aria-label={`Remove filter: ${label}`}
                  onClick={() => onRemove(filter)}
                >
                  <X aria-hidden="true" className="size-3.5" />
                </button>
              </span>
            </li>
          );
        })}
      </ul>
      <Button variant="ghost" size="sm" onClick={onClear}>
        Clear filters <kbd className="ml-1 rounded border px-1 font-mono text-[11px] text-muted-foreground">Esc</kbd>
      </Button>
    </section>
  );
}
