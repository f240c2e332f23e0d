import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface FixturePages {
  /** http://127.0.0.1:<port> */
  url: string;
  /** A page URL whose title is `token`: link destinations, so the worker's metadata jobs really fetch. */
  pageUrl(token: string): string;
  /** How often each token's page was fetched. */
  fetches: Map<string, number>;
  /** When (ms since the epoch), for each token. */
  fetchedAt: Map<string, number[]>;
  stop(): Promise<void>;
}

/** Link destinations served on loopback (tests reach nothing on the internet); each fetch counted. */
export async function startFixturePages(): Promise<FixturePages> {
  const fetches = new Map<string, number>();
  const fetchedAt = new Map<string, number[]>();
  const server: Server = createServer((request, response) => {
    const token = /^\/page\/([\w-]+)$/.exec(request.url ?? "")?.[1];
    if (!token) {
      response.writeHead(404).end();
      return;
    }
    if (request.method === "GET") {
      fetches.set(token, (fetches.get(token) ?? 0) + 1);
      fetchedAt.set(token, [...(fetchedAt.get(token) ?? []), Date.now()]);
    }
    const html = `<!doctype html><html><head><title>${token}</title><meta name="description" content="page ${token}"></head><body>${token}</body></html>`;
    response.writeHead(200, { "content-type": "text/html; charset=utf-8", "content-length": Buffer.byteLength(html) });
    response.end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    pageUrl: (token) => `${url}/page/${token}`,
    fetches,
    fetchedAt,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The token of a fixture page URL, or null. */
export function tokenOf(url: string): string | null {
  return /\/page\/([\w-]+)$/.exec(url)?.[1] ?? null;
}
