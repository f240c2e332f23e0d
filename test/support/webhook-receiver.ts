import { once } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedWebhook {
  path: string;
  headers: Record<string, string>;
  body: string;
  receivedAt: number;
}

/**
 * A webhook receiver on loopback for tests: records every request, and
 * answers each path with the status the test sets (200 unless told).
 */
export async function startWebhookReceiver() {
  const received: ReceivedWebhook[] = [];
  const statusOf = new Map<string, number>();
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const path = request.url ?? "/";
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers)) if (typeof value === "string") headers[name] = value;
      received.push({ path, headers, body: Buffer.concat(chunks).toString("utf8"), receivedAt: Date.now() });
      const status = statusOf.get(path) ?? 200;
      response.writeHead(status, { "content-type": "text/plain" }).end(status < 300 ? "thanks" : `receiver says no (${status})`);
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    received,
    at: (path: string) => received.filter((request) => request.path === path),
    answer: (path: string, status: number) => statusOf.set(path, status),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
export type WebhookReceiver = Awaited<ReturnType<typeof startWebhookReceiver>>;
