"use client";

import { linkSortSchema } from "@hop/validators";
import { Search, X } from "lucide-react";
import { Button } from "~/components/ui/button";
import { Input } from "~/components/ui/input";
import { Label } from "~/components/ui/label";
import { Select } from "~/components/ui/select";
import type { LinkTag } from "./types";
import { sortLabels, type LinkFilters } from "./use-link-filters";

export function LinksToolbar({
  filters,
  searchDraft,
  onSearchDraftChange,
  onChange,
  tags,
}: {
  filters: LinkFilters;
  searchDraft: string;
  onSearchDraftChange: (value: string) => void;
  onChange: (change: Partial<LinkFilters>) => void;
  tags: LinkTag[] | undefined;
}) {
  const tagMissing = filters.tag !== "" && tags !== undefined && !tags.some((tag) => tag.name === filters.tag);
  return (
    // biome-ignore lint/a11y/useSemanticElements: <search> is not yet announced by every screen reader this UI supports; the role is
    <div role="search" aria-label="Filter links" className="flex flex-col gap-3 sm:flex-row sm:items-end">
      <div className="flex min-w-0 flex-1 flex-col gap-1.5">
        <Label htmlFor="links-search">Search</Label>
        <div className="relative">
          <Search aria-hidden="true" className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-muted-foreground" />
          <Input
            id="links-search"
            type="search"
            placeholder="Slug, URL or title"
            value={searchDraft}
            onChange={(event) => onSearchDraftChange(event.target.value)}
            className="pl-9"
            maxLength={200}
          />
        </div>
      </div>
      <div className="grid grid-cols-2 gap-3 sm:flex sm:items-end">
        <div className="flex flex-col gap-1.5">
          <Label htmlFor="links-tag">Tag</Label>
          <Select id="links-tag" value={filters.tag} onChange={(event) => onChange({ tag: event.target.value })} containerClassName="sm:w-44">
            <option value="">All tags</option>
            {tagMissing ? <option value={filters.tag}>{filters.tag}</option> : null}
            {tags?.map((tag) => (
              <option key={tag.name} value={tag.name}>
                {tag.name} ({tag.links})
              </option>
            ))}
          </Select>
        </div>
        <div className="flex flex-col gap-1.5">
          <Label htmlFor="links-sort">Sort</Label>
          <Select
            id="links-sort"
            value={filters.sort}
            onChange={(event) => onChange({ sort: linkSortSchema.parse(event.target.value) })}
            containerClassName="sm:w-40"
          >
            {linkSortSchema.options.map((sort) => (
              <option key={sort} value={sort}>
                {sortLabels[sort]}
              </option>
            ))}
          </Select>
        </div>
      </div>
      {filters.search || filters.tag ? (
        <Button
          variant="ghost"
          className="self-start sm:self-auto"
          onClick={() => {
            onSearchDraftChange("");
            onChange({ search: "", tag: "" });
          }}
        >
          <X aria-hidden="true" />
          Clear filters
        </Button>
      ) : null}
    </div>
  );
}
