"use client";

import { ChartColumn, Clock, Lock, Pencil, QrCode, TimerOff, Trash2 } from "lucide-react";
import NextLink from "next/link";
import { Badge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { Skeleton } from "~/components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "~/components/ui/table";
import { CopyButton } from "./copy-button";
import type { Link } from "./types";

/**
 * The table has a fixed layout: the narrow columns (clicks, created,
 * actions, tags) get fixed widths and the short link and destination share
 * the rest, truncating their text, so the row can never outgrow its card and
 * push the actions out of sight. Narrower screens drop columns and show their
 * values under the short link instead: Destination below md, Tags below xl;
 * Created shows from xl, where there is room for it.
 */
const fromMd = "hidden md:table-cell";
const fromXl = "hidden xl:table-cell";

const dateFormat: Intl.DateTimeFormatOptions = { dateStyle: "medium" };
const dateTimeFormat: Intl.DateTimeFormatOptions = { dateStyle: "medium", timeStyle: "short" };

export interface LinkActions {
  onEdit: (link: Link) => void;
  onQr: (link: Link) => void;
  onDelete: (link: Link) => void;
}

export function LinksTable({ links, now, actions }: { links: Link[]; now: number; actions: LinkActions }) {
  return (
    <Table className="table-fixed">
      <TableHeader>
        <TableRow className="hover:bg-transparent">
          <TableHead>Short link</TableHead>
          <TableHead className={fromMd}>Destination</TableHead>
          <TableHead className={`${fromXl} w-44`}>Tags</TableHead>
          <TableHead className="w-16 text-right sm:w-20">Clicks</TableHead>
          <TableHead className={`${fromXl} w-32`}>Created</TableHead>
          {/* Four 32 px buttons in a row from sm (stacked on a phone) and the cell's padding. */}
          <TableHead className="w-16 text-right sm:w-44">
            <span className="sr-only">Actions</span>
          </TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {links.map((link) => (
          <LinkRow key={link.id} link={link} now={now} actions={actions} />
        ))}
      </TableBody>
    </Table>
  );
}

function LinkRow({ link, now, actions }: { link: Link; now: number; actions: LinkActions }) {
  const shortLabel = link.shortUrl.replace(/^https?:\/\//, "");
  const host = shortLabel.slice(0, -(link.slug.length + 1));
  return (
    <TableRow data-testid="link-row" data-slug={link.slug}>
      <TableCell className="align-top whitespace-normal">
        <div className="flex min-w-0 items-center gap-1">
          <a
            href={link.shortUrl}
            target="_blank"
            rel="noreferrer"
            className="flex min-w-0 flex-col font-medium text-brand underline-offset-4 hover:underline"
            data-testid="short-url"
            title={link.shortUrl}
          >
            {/* The host above, muted (it is the same on every row); the slug, with its slash, is what tells links apart. */}
            <span className="truncate text-xs font-normal text-muted-foreground" data-testid="short-url-host">
              {host}
            </span>
            <span className="truncate" data-testid="short-url-path">
              /{link.slug}
            </span>
          </a>
          <CopyButton text={link.shortUrl} label={`Copy ${shortLabel}`} />
        </div>
        <StatusBadges link={link} now={now} />
        {/* What the hidden columns would say, on screens too narrow for them. */}
        <div className="mt-1 flex flex-col gap-1 md:hidden">
          <Destination link={link} />
        </div>
        {link.tags.length > 0 ? (
          <div className="mt-1.5 xl:hidden">
            <Tags tags={link.tags} />
          </div>
        ) : null}
      </TableCell>
      <TableCell className={`${fromMd} align-top whitespace-normal`}>
        <Destination link={link} />
      </TableCell>
      <TableCell className={`${fromXl} align-top whitespace-normal`}>
        {link.tags.length > 0 ? <Tags tags={link.tags} /> : <span className="text-muted-foreground">–</span>}
      </TableCell>
      <TableCell className="text-right align-top font-medium tabular-nums" data-testid="clicks">
        <NextLink
          href={`/links/${link.id}`}
          className="rounded-sm underline-offset-4 hover:text-brand hover:underline"
          aria-label={`${link.clicks.toLocaleString()} clicks: stats of ${link.slug}`}
        >
          {link.clicks.toLocaleString()}
        </NextLink>
      </TableCell>
      <TableCell className={`${fromXl} align-top text-muted-foreground`}>
        <time dateTime={link.createdAt.toISOString()} title={link.createdAt.toLocaleString(undefined, dateTimeFormat)}>
          {link.createdAt.toLocaleDateString(undefined, dateFormat)}
        </time>
      </TableCell>
      <TableCell className="text-right align-top">
        {/* Stacked on a phone, so the row's actions never need a sideways scroll. */}
        <div className="-my-1 flex flex-col items-end gap-0.5 sm:flex-row sm:justify-end">
          <Button asChild variant="ghost" size="icon-sm" title="Stats">
            <NextLink href={`/links/${link.id}`} aria-label={`Stats of ${link.slug}`}>
              <ChartColumn aria-hidden="true" />
            </NextLink>
          </Button>
          <Button variant="ghost" size="icon-sm" aria-label={`Edit ${link.slug}`} title="Edit" onClick={() => actions.onEdit(link)}>
            <Pencil aria-hidden="true" />
          </Button>
          <Button variant="ghost" size="icon-sm" aria-label={`QR code for ${link.slug}`} title="QR code" onClick={() => actions.onQr(link)}>
            <QrCode aria-hidden="true" />
          </Button>
          <Button
            variant="ghost"
            size="icon-sm"
            aria-label={`Delete ${link.slug}`}
            title="Delete"
            className="hover:bg-destructive-soft hover:text-destructive-soft-foreground"
            onClick={() => actions.onDelete(link)}
          >
            <Trash2 aria-hidden="true" />
          </Button>
        </div>
      </TableCell>
    </TableRow>
  );
}

function Destination({ link }: { link: Link }) {
  // The owner's title first; else what the target page calls itself, once the worker has fetched it.
  const displayTitle = link.title ?? link.pageTitle;
  return (
    <div className="flex min-w-0 flex-col">
      {displayTitle ? (
        <span className="truncate text-sm font-medium" title={displayTitle}>
          {displayTitle}
        </span>
      ) : null}
      <a
        href={link.destinationUrl}
        target="_blank"
        rel="noreferrer"
        className="truncate text-[13px] text-muted-foreground underline-offset-4 hover:text-foreground hover:underline"
        title={link.destinationUrl}
        data-testid="destination"
      >
        {link.destinationUrl.replace(/^https?:\/\//, "")}
      </a>
    </div>
  );
}

function Tags({ tags }: { tags: string[] }) {
  return (
    <ul className="flex flex-wrap gap-1" aria-label="Tags">
      {tags.map((tag) => (
        <li key={tag} className="min-w-0 max-w-full">
          {/* A tag of 32 wide characters would not fit its column: it truncates, whole in its tooltip. */}
          <Badge variant="secondary" className="block max-w-full truncate" title={tag}>
            {tag}
          </Badge>
        </li>
      ))}
    </ul>
  );
}

function StatusBadges({ link, now }: { link: Link; now: number }) {
  const expired = link.expiresAt !== null && link.expiresAt.getTime() <= now;
  if (!link.hasPassword && !link.expiresAt && link.redirectStatus === 302) return null;
  return (
    <div className="mt-1.5 flex flex-wrap gap-1">
      {link.hasPassword ? (
        <Badge variant="info">
          <Lock aria-hidden="true" />
          Password
        </Badge>
      ) : null}
      {link.expiresAt ? (
        expired ? (
          <Badge variant="destructive" title={`Expired ${link.expiresAt.toLocaleString(undefined, dateTimeFormat)}`}>
            <TimerOff aria-hidden="true" />
            Expired
          </Badge>
        ) : (
          <Badge variant="warning" title={`Expires ${link.expiresAt.toLocaleString(undefined, dateTimeFormat)}`}>
            <Clock aria-hidden="true" />
            Expires {link.expiresAt.toLocaleDateString(undefined, dateFormat)}
          </Badge>
        )
      ) : null}
      {link.redirectStatus !== 302 ? (
        <Badge variant="outline" title={`Answers with HTTP ${link.redirectStatus} instead of the default 302`}>
          {link.redirectStatus}
        </Badge>
      ) : null}
    </div>
  );
}

export function LinksTableSkeleton({ rows = 5 }: { rows?: number }) {
  return (
    <div aria-busy="true" aria-label="Loading links" role="status" className="px-5 pb-2 sm:px-6">
      <div className="flex gap-4 border-b py-3">
        {Array.from({ length: 5 }, (_, index) => (
          <Skeleton key={index} className="h-3 flex-1" />
        ))}
      </div>
      {Array.from({ length: rows }, (_, index) => (
        <div key={index} className="flex items-center gap-4 border-b py-4 last:border-0">
          <div className="flex flex-1 flex-col gap-2">
            <Skeleton className="h-4 w-32" />
            <Skeleton className="h-3 w-48 md:hidden" />
          </div>
          <Skeleton className="hidden h-4 flex-1 md:block" />
          <Skeleton className="hidden h-5 w-16 rounded-full lg:block" />
          <Skeleton className="h-4 w-10" />
          <Skeleton className="hidden h-4 w-20 sm:block" />
          <Skeleton className="h-7 w-24" />
        </div>
      ))}
    </div>
  );
}
