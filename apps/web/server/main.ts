/**
 * The web process: one Node HTTP server that answers its hot routes itself
 * (health, readiness and the short-link redirect: a Next route handler is
 * about 20x slower here) and hands every other request to Next.
 *
 * Life: read config -> connect -> prepare Next -> listen -> heartbeat -> on
 * SIGTERM stop taking requests, finish in-flight ones, leave, exit.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ConfigError } from "@hop/config";
import { startHeartbeat } from "@hop/presence";
import next from "next";
import { getWebServices } from "../src/server/services";
import { clientAddress, clientIpHeader } from "./client-address";
import { liveClicksPath, startLiveClicks } from "./live-clicks";
import { importProgressPath, startImportProgress } from "./import-progress";
import { answerCompatApi, isCompatApiPath } from "./compat";
import { checkReadiness } from "./readiness";
import { requestOrigin, requestOriginHeader } from "./request-origin";
import { answerShortLink, linkUnavailablePage } from "./redirect";
import { securityHeaders } from "./security-headers";
import { isSlugShaped } from "@hop/validators";
import { warmUpLinkLookup } from "@hop/links";
import { createMachineApi } from "./machine-api";
import { answerExportDownload, exportDownloadId } from "./export-download";

const dev = process.argv.includes("--dev");
const warmUpTimeoutMs = 5_000;
const appDir = fileURLToPath(new URL("..", import.meta.url));

let services: ReturnType<typeof getWebServices>;
try {
  services = getWebServices();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`web: ${error.message} (see .env.example)\n`);
  process.exit(1);
}
const { env, log, instance } = services;
const version = (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }).version;
const buildId = dev ? "development" : readFileSync(new URL("../.next/BUILD_ID", import.meta.url), "utf8").trim();

const nextApp = next({ dev, dir: appDir, hostname: env.HOST, port: env.PORT });
const handleWithNext = nextApp.getRequestHandler();
// Beside Next's preparation: what the redirect loads on first use is loaded before the first visit (see warmUpLinkLookup).
const redirectWarmedUp = warmUpLinkLookup({ db: services.db, redis: services.redis.redis }).catch((error: unknown) =>
  log.warn({ err: error instanceof Error ? error.message : String(error) }, "could not warm the redirect up: the first visits pay for it"),
);
await nextApp.prepare();
// Bounded: a database or Redis that does not answer now must not keep the instance from starting (readiness says so).
await Promise.race([redirectWarmedUp, sleep(warmUpTimeoutMs, undefined, { ref: false })]);

let stopping = false;
const inFlight = services.inFlight;
const liveClicks = startLiveClicks(services);
const importProgress = startImportProgress(services);
const answerMachineApi = createMachineApi(services);

const sendJson = (response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  const payload = JSON.stringify(body);
  response.writeHead(status, { "content-type": "application/json", "cache-control": "no-store", "content-length": Buffer.byteLength(payload), ...headers });
  response.end(payload);
};

/** A body Next would read whole before any limit of its own: refused before a byte of it is read. */
function refuseOversizedBody(request: IncomingMessage, response: ServerResponse): boolean {
  const declared = request.headers["content-length"];
  if (declared !== undefined && Number(declared) > env.MAX_REQUEST_BODY_BYTES) {
    sendJson(
      response,
      413,
      { error: { code: "PAYLOAD_TOO_LARGE", message: `Request bodies are limited to ${env.MAX_REQUEST_BODY_BYTES} bytes` } },
      { connection: "close" },
    );
    return true;
  }
  // Without a length the size is unknown until read: browsers and tRPC clients always send one.
  if (declared === undefined && request.headers["transfer-encoding"] !== undefined) {
    sendJson(response, 411, { error: { code: "LENGTH_REQUIRED", message: "Send a Content-Length with the request body" } }, { connection: "close" });
    return true;
  }
  return false;
}

const server = createServer((request: IncomingMessage, response: ServerResponse) => {
  // Every request, a redirect first of all: no array of parts for the path.
  const url = request.url ?? "";
  const queryAt = url.indexOf("?");
  const path = queryAt === -1 ? url : url.slice(0, queryAt);
  if (path === "/api/health") {
    sendJson(response, 200, { status: "ok", instanceId: instance.id, buildId, version, uptimeSeconds: Math.round(process.uptime()) });
    return;
  }
  if (path === "/api/ready") {
    if (stopping) {
      sendJson(response, 503, { status: "stopping", instanceId: instance.id });
      return;
    }
    void checkReadiness(services).then(({ ready, degraded, checks }) =>
      sendJson(response, ready ? 200 : 503, { status: ready ? (degraded ? "degraded" : "ready") : "unavailable", instanceId: instance.id, checks }),
    );
    return;
  }
  if (path === liveClicksPath) return liveClicks.answer(request, response);
  if (path === importProgressPath) return importProgress.answer(request, response);
  if (path && answerMachineApi(request, response, path)) return;
  const exportId = path ? exportDownloadId(path) : null;
  if (exportId) {
    inFlight.track(answerExportDownload(request, response, services, exportId)).catch((error: unknown) => {
      log.error({ err: error instanceof Error ? error.message : String(error), path }, "export download failed");
      if (!response.headersSent) sendJson(response, 500, { error: { code: "INTERNAL_SERVER_ERROR", message: "Something went wrong on our side" } });
      else response.destroy();
    });
    return;
  }
  // Shlink's and dub's APIs, answered here like the redirect (see compat.ts).
  if (path && isCompatApiPath(path)) {
    const at = { path, origin: requestOrigin(request, env.TRUST_PROXY), clientIp: clientAddress(request, env.TRUST_PROXY) };
    answerCompatApi(request, response, services, at).catch((error: unknown) => {
      log.error({ err: error instanceof Error ? error.message : String(error), path }, "compatibility API failed");
      if (!response.headersSent) sendJson(response, 500, { error: { code: "internal_server_error", message: "Something went wrong on our side" } });
      else response.destroy();
    });
    return;
  }
  // A one-segment path that can be a slug is a short link: Next's own pages all have reserved names.
  const method = request.method;
  const slug = path.indexOf("/", 1) === -1 ? path.slice(1) : "";
  if ((method === "GET" || method === "HEAD" || method === "POST") && slug && isSlugShaped(slug)) {
    // begin/end, not track: one settled promise per visit, no second one to count it.
    inFlight.begin();
    answerShortLink(request, response, slug, services).then(inFlight.end, (error: unknown) => {
      log.error({ err: error instanceof Error ? error.message : String(error), path }, "redirect failed");
      if (!response.headersSent) {
        const html = linkUnavailablePage();
        response.writeHead(503, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", "retry-after": "5" });
        response.end(html);
      } else response.destroy();
      inFlight.end();
    });
    return;
  }
  // Route handlers cannot see the socket: the client's address and origin travel in headers only this server sets.
  request.headers[clientIpHeader] = clientAddress(request, env.TRUST_PROXY);
  const origin = requestOrigin(request, env.TRUST_PROXY);
  if (origin) request.headers[requestOriginHeader] = origin;
  else delete request.headers[requestOriginHeader];
  for (const [name, value] of Object.entries(securityHeaders(origin))) response.setHeader(name, value);
  if (refuseOversizedBody(request, response)) return;
  void inFlight.track(handleWithNext(request, response));
});

await new Promise<void>((resolve) => server.listen(env.PORT, env.HOST, resolve));
const address = server.address();
const port = address && typeof address === "object" ? address.port : env.PORT;
const url = `http://${env.HOST === "0.0.0.0" ? "127.0.0.1" : env.HOST}:${port}`;

const heartbeat = await startHeartbeat({
  redis: services.redis.redis,
  describe: () => ({
    kind: "web",
    id: instance.id,
    host: instance.host,
    pid: process.pid,
    version,
    buildId,
    url,
    startedAt: instance.startedAt,
    jobWorkerIds: [],
  }),
  onError: (error) => log.warn({ err: error instanceof Error ? error.message : String(error) }, "heartbeat failed"),
});
log.info({ url, instanceId: instance.id, buildId, dev, startupMs: Math.round(performance.now()) }, `web ready on ${url}`);

const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, "stopping: finishing in-flight requests");
  const forceExit = setTimeout(() => {
    log.error("in-flight requests did not finish in time; exiting");
    process.exit(1);
  }, env.SHUTDOWN_TIMEOUT_MS);
  forceExit.unref();
  await heartbeat.stop();
  // Still serving, answering not-ready: the load balancer stops sending new connections before the listener closes.
  if (env.SHUTDOWN_DRAIN_MS > 0) await new Promise((resolve) => setTimeout(resolve, env.SHUTDOWN_DRAIN_MS));
  // Open live streams end now (their browsers reconnect to another instance); they would hold the listener open.
  await liveClicks.close();
  await importProgress.close();
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
  await inFlight.close();
  await nextApp.close();
  await Promise.allSettled([services.db.$disconnect(), services.redis.close()]);
  log.info("stopped");
  process.exit(0);
};
process.on("SIGTERM", () => void stop("SIGTERM"));
process.on("SIGINT", () => void stop("SIGINT"));
