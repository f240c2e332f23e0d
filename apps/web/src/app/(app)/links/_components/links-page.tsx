"use client";

import { keepPreviousData, useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { Link2, Plus, SearchX, TriangleAlert, Upload } from "lucide-react";
import NextLink from "next/link";
import { useRef, useState } from "react";
import { Alert, AlertDescription } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { Card } from "~/components/ui/card";
import { ConfirmDialog } from "~/components/ui/dialog";
import { EmptyState } from "~/components/ui/empty-state";
import { ErrorState } from "~/components/ui/error-state";
import { ToastProvider } from "~/components/ui/toast";
import { useNow } from "~/lib/use-now";
import { describeApiError } from "~/trpc/errors";
import { useTRPC } from "~/trpc/react";
import { PageHeader } from "../../_components/page-header";
import { ExportLinks } from "./export-links";
import { LinkFormDialog } from "./link-form-dialog";
import { LinksTable, LinksTableSkeleton } from "./links-table";
import { LinksToolbar } from "./links-toolbar";
import { QrCodeDialog } from "./qr-code-dialog";
import type { Link } from "./types";
import { useDeleteLink } from "./use-delete-link";
import { useLinkFilters } from "./use-link-filters";

const pageSize = 20;

/** `shortLinkOrigin`: where new short links are served, shown in front of the slug while one is made. */
export function LinksPage({ shortLinkOrigin }: { shortLinkOrigin: string }) {
  return (
    <ToastProvider>
      <LinksView shortLinkOrigin={shortLinkOrigin} />
    </ToastProvider>
  );
}

type FormState = { open: false } | { open: true; link: Link | null; key: number };

function LinksView({ shortLinkOrigin }: { shortLinkOrigin: string }) {
  const trpc = useTRPC();
  const { filters, filtered, setFilters, searchDraft, setSearchDraft } = useLinkFilters();
  const now = useNow(30_000);

  const list = useInfiniteQuery(
    trpc.links.list.infiniteQueryOptions(
      { search: filters.search || undefined, tag: filters.tag || undefined, sort: filters.sort, limit: pageSize },
      {
        getNextPageParam: (page) => page.nextCursor,
        // While a new search loads, the old rows stay (dimmed) instead of a skeleton flash.
        placeholderData: keepPreviousData,
      },
    ),
  );
  const tags = useQuery(trpc.links.tags.queryOptions());

  const [form, setForm] = useState<FormState>({ open: false });
  const formOpenings = useRef(0);
  const [qrLink, setQrLink] = useState<Link | null>(null);
  const deletion = useDeleteLink();

  const openForm = (link: Link | null) => {
    // A fresh key per opening: the form starts from the link (or empty), never from a half-edited earlier state.
    formOpenings.current += 1;
    setForm({ open: true, link, key: formOpenings.current });
  };

  const links = list.data?.pages.flatMap((page) => page.items) ?? [];
  const total = list.data?.pages[0]?.total ?? 0;
  // A new account sees the empty state's own button: one "Create link", not two.
  const empty = !list.isPending && !list.isError && !filtered && links.length === 0;
  const createButton = (
    <Button onClick={() => openForm(null)}>
      <Plus aria-hidden="true" />
      Create link
    </Button>
  );

  return (
    <div className="flex flex-col gap-6 sm:gap-8">
      <PageHeader
        title="Links"
        description="Your short links: where they go, how often they are clicked, and their QR codes."
        actions={
          <div className="flex flex-wrap items-center gap-2">
            {/* Import is offered in an empty account too: it is how people arrive with their links. */}
            <Button variant="outline" asChild>
              <NextLink href="/links/import">
                <Upload aria-hidden="true" />
                Import
              </NextLink>
            </Button>
            {empty ? null : (
              <>
                <ExportLinks />
                {createButton}
              </>
            )}
          </div>
        }
      />

      {/* Nothing to search in a new account: the empty state alone says what to do. */}
      {list.isPending || filtered || links.length > 0 || list.isError ? (
        <LinksToolbar filters={filters} searchDraft={searchDraft} onSearchDraftChange={setSearchDraft} onChange={setFilters} tags={tags.data} />
      ) : null}

      <Card className="overflow-hidden">
        {list.isPending ? (
          <div className="pt-2">
            <LinksTableSkeleton />
          </div>
        ) : list.isError && !list.data ? (
          <ErrorState
            title="Your links could not be loaded"
            description={describeApiError(list.error).message}
            onRetry={() => void list.refetch()}
            retrying={list.isRefetching}
            className="py-16"
          />
        ) : links.length === 0 ? (
          filtered ? (
            <EmptyState
              icon={<SearchX />}
              title="Nothing matches your search"
              description={
                filters.search && filters.tag
                  ? `No link tagged “${filters.tag}” matches “${filters.search}”.`
                  : filters.search
                    ? `No slug, URL or title contains “${filters.search}”.`
                    : `No link is tagged “${filters.tag}”.`
              }
              action={
                <Button
                  variant="outline"
                  onClick={() => {
                    setSearchDraft("");
                    setFilters({ search: "", tag: "" });
                  }}
                >
                  Clear filters
                </Button>
              }
              data-testid="links-no-match"
            />
          ) : (
            <EmptyState
              icon={<Link2 />}
              title="No links yet"
              description="Shorten your first URL: pick a slug, add tags, an expiry or a password, and share it or its QR code."
              action={createButton}
              data-testid="links-empty"
            />
          )
        ) : (
          <div aria-busy={list.isPlaceholderData || undefined} className={list.isPlaceholderData ? "opacity-60 transition-opacity" : undefined}>
            <LinksTable links={links} now={now} actions={{ onEdit: openForm, onQr: setQrLink, onDelete: deletion.ask }} />
            <div className="flex flex-col items-center gap-3 border-t px-5 py-4 sm:flex-row sm:justify-between sm:px-6">
              <p className="text-sm text-muted-foreground" data-testid="links-count" aria-live="polite">
                Showing {links.length.toLocaleString()} of {total.toLocaleString()} {total === 1 ? "link" : "links"}
              </p>
              {list.hasNextPage ? (
                <Button variant="outline" size="sm" onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage}>
                  Load more
                </Button>
              ) : null}
            </div>
            {list.isError ? (
              <Alert variant="destructive" className="rounded-none border-x-0 border-b-0">
                <TriangleAlert aria-hidden="true" />
                <AlertDescription>{describeApiError(list.error).message}</AlertDescription>
              </Alert>
            ) : null}
          </div>
        )}
      </Card>

      {form.open ? (
        <LinkFormDialog
          key={form.key}
          open
          onOpenChange={(open) => {
            if (!open) setForm({ open: false });
          }}
          link={form.link}
          tagSuggestions={tags.data?.map((tag) => tag.name) ?? []}
          shortLinkOrigin={shortLinkOrigin}
        />
      ) : null}

      <QrCodeDialog link={qrLink} onOpenChange={(open) => !open && setQrLink(null)} />

      <ConfirmDialog
        open={deletion.target !== null}
        onOpenChange={(open) => !open && deletion.cancel()}
        title={`Delete ${deletion.target?.slug ?? "this link"}?`}
        description="The short link stops working at once: visitors see “link not found”. You can undo this for 10 minutes."
        confirmLabel="Delete link"
        onConfirm={deletion.confirm}
        pending={deletion.pending}
      >
        {deletion.error ? (
          <Alert variant="destructive">
            <AlertDescription>{deletion.error}</AlertDescription>
          </Alert>
        ) : null}
      </ConfirmDialog>
    </div>
  );
}
