import type { ImportApiSource, ImportMapping } from "@hop/validators";
import { stringify } from "csv-stringify/sync";
import { z } from "zod";

/**
 * Reading another server's links through its API (Shlink REST v3, Kutt API
 * v2). The HTTP itself is the caller's (the worker's guarded fetch: public
 * addresses only, no redirects, so the key goes nowhere else); here are the
 * paths, the key's header and the answers' shapes. The links found become a
 * CSV kept on the import, so the rest is a CSV import like any other.
 */
export type FetchJson = (url: string, headers: Record<string, string>) => Promise<unknown>;

/** The mapping of the CSV made from an API's links. */
export const apiRowsMapping: ImportMapping = { url: "url", slug: "slug", title: "title", tags: "tags", createdAt: "createdAt" };

interface ApiLink {
  url: string;
  slug: string;
  title: string;
  tags: string[];
  createdAt: string;
}

// Shlink REST v3: GET /rest/v3/short-urls?page=N&itemsPerPage=M, header X-Api-Key.
const shlinkPage = z.object({
  shortUrls: z.object({
    data: z.array(
      z.object({
        shortCode: z.string(),
        longUrl: z.string(),
        title: z.string().nullish(),
        tags: z.array(z.string()).default([]),
        dateCreated: z.string().nullish(),
      }),
    ),
    pagination: z.object({ currentPage: z.number(), pagesCount: z.number() }),
  }),
});

// Kutt API v2: GET /api/v2/links?skip=N&limit=M, header X-API-KEY.
const kuttPage = z.object({
  data: z.array(
    z.object({
      address: z.string(),
      target: z.string(),
      description: z.string().nullish(),
      created_at: z.string().nullish(),
    }),
  ),
  total: z.number(),
});

/** Pages read at most (a runaway server cannot keep the worker busy forever): 1,000 pages of 100 is the import's row limit. */
const maxPages = 1_000;
const pageSize = 100;

export async function fetchApiLinks(source: ImportApiSource, baseUrl: string, apiKey: string, fetchJson: FetchJson): Promise<ApiLink[]> {
  const base = baseUrl.replace(/\/+$/, "");
  const links: ApiLink[] = [];
  if (source === "shlink") {
    for (let page = 1; page <= maxPages; page++) {
      const answer = shlinkPage.parse(await fetchJson(`${base}/rest/v3/short-urls?page=${page}&itemsPerPage=${pageSize}`, { "x-api-key": apiKey }));
      for (const item of answer.shortUrls.data) {
        links.push({ url: item.longUrl, slug: item.shortCode, title: item.title ?? "", tags: item.tags, createdAt: item.dateCreated ?? "" });
      }
      if (page >= answer.shortUrls.pagination.pagesCount || answer.shortUrls.data.length === 0) break;
    }
  } else {
    for (let page = 0; page < maxPages; page++) {
      const answer = kuttPage.parse(await fetchJson(`${base}/api/v2/links?skip=${page * pageSize}&limit=${pageSize}`, { "x-api-key": apiKey }));
      for (const item of answer.data) {
        links.push({ url: item.target, slug: item.address, title: item.description ?? "", tags: [], createdAt: item.created_at ?? "" });
      }
      if ((page + 1) * pageSize >= answer.total || answer.data.length === 0) break;
    }
  }
  return links;
}

/** The links as the CSV an import keeps (tags separated by `|`, as Shlink writes them). */
export function apiLinksToCsv(links: readonly ApiLink[]): string {
  return stringify([
    ["url", "slug", "title", "tags", "createdAt"],
    ...links.map((link) => [link.url, link.slug, link.title, link.tags.join("|"), link.createdAt]),
  ]);
}
