"use client";

import type { AnalyticsFilter } from "@hop/validators";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useEffect, useMemo, useState } from "react";
import { parseAnalyticsView, sameFilter, serializeAnalyticsView, withFilter, type AnalyticsView } from "~/lib/analytics-view";

/** The browser's own time zone (the default view), known only after hydration: null until then. */
function useBrowserTimeZone(): string | null {
  const [zone, setZone] = useState<string | null>(null);
  useEffect(() => setZone(Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC"), []);
  return zone;
}

/**
 * The page's view (period, zone, filters, bots) read from and written to the
 * URL, so a reload or a shared address shows the same numbers. Esc clears
 * the filters, as on Plausible.
 */
export function useAnalyticsView() {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const view = useMemo(() => parseAnalyticsView(new URLSearchParams(params.toString())), [params]);
  const browserZone = useBrowserTimeZone();
  /** null until the browser's zone is known: the cards wait rather than ask twice. */
  const timeZone = view.timezone ?? browserZone;

  const setView = useCallback(
    (change: Partial<AnalyticsView>) => {
      const query = serializeAnalyticsView({ ...view, ...change });
      router.replace(query ? `${pathname}?${query}` : pathname, { scroll: false });
    },
    [view, pathname, router],
  );
  const addFilter = useCallback((filter: AnalyticsFilter) => setView({ filters: withFilter(view.filters, filter) }), [view.filters, setView]);
  const removeFilter = useCallback(
    (filter: AnalyticsFilter) => setView({ filters: view.filters.filter((known) => !sameFilter(known, filter)) }),
    [view.filters, setView],
  );
  const clearFilters = useCallback(() => setView({ filters: [] }), [setView]);

  useEffect(() => {
    if (view.filters.length === 0) return;
    const onKey = (event: KeyboardEvent) => {
      // Esc in a field or an open dialog is theirs.
      if (event.key !== "Escape" || event.defaultPrevented) return;
      const target = event.target as HTMLElement | null;
      if (target?.closest("input, select, textarea, [role=dialog]")) return;
      clearFilters();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [view.filters.length, clearFilters]);

  return { view, timeZone, setView, addFilter, removeFilter, clearFilters };
}
