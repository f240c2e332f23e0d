"use client";

import { linkSortSchema, type LinkSort } from "@hop/validators";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useEffect, useRef, useState } from "react";

export interface LinkFilters {
  search: string;
  tag: string;
  sort: LinkSort;
}

export const sortLabels: Record<LinkSort, string> = {
  newest: "Newest first",
  oldest: "Oldest first",
  "most-clicked": "Most clicked",
  slug: "Slug (A–Z)",
};

/** Typing pauses this long before the list is asked again: one request per word, not per key. */
const searchDebounceMs = 300;

/**
 * Search, tag and sort live in the URL (`?q=&tag=&sort=`), so a reload, a
 * bookmark or a shared address shows the same list. The search box has its
 * own state so typing stays instant; the URL follows after a pause.
 */
export function useLinkFilters() {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();

  const filters: LinkFilters = {
    search: params.get("q")?.trim() ?? "",
    tag: params.get("tag") ?? "",
    sort: linkSortSchema.catch("newest").parse(params.get("sort") ?? "newest"),
  };

  const setFilters = useCallback(
    (change: Partial<LinkFilters>) => {
      const next = new URLSearchParams(params.toString());
      const entries: [keyof LinkFilters, string][] = [
        ["search", "q"],
        ["tag", "tag"],
        ["sort", "sort"],
      ];
      for (const [key, name] of entries) {
        const value = change[key];
        if (value === undefined) continue;
        // Defaults stay out of the URL, so the plain page has a plain address.
        if (value === "" || (key === "sort" && value === "newest")) next.delete(name);
        else next.set(name, value);
      }
      const query = next.toString();
      router.replace(query ? `${pathname}?${query}` : pathname, { scroll: false });
    },
    [params, pathname, router],
  );

  const [searchDraft, setSearchDraft] = useState(filters.search);
  const urlSearch = filters.search;
  // The search this hook last put into the URL. Any other change of `q` (the back button) moves the box
  // along; our own must not, or a word typed while the URL caught up would be undone.
  const pushedSearch = useRef(urlSearch);
  useEffect(() => {
    if (urlSearch === pushedSearch.current) return;
    pushedSearch.current = urlSearch;
    setSearchDraft(urlSearch);
  }, [urlSearch]);

  useEffect(() => {
    const search = searchDraft.trim();
    if (search === urlSearch) return;
    const timer = setTimeout(() => {
      pushedSearch.current = search;
      setFilters({ search });
    }, searchDebounceMs);
    return () => clearTimeout(timer);
  }, [searchDraft, urlSearch, setFilters]);

  const filtered = filters.search !== "" || filters.tag !== "";
  return { filters, filtered, setFilters, searchDraft, setSearchDraft };
}
