import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CleanupStack, freePort, trackChild, waitForPort } from "@hop/test-harness";

export interface LoadBalancer {
  /** http://127.0.0.1:<port>: where clients go. */
  url: string;
  /** The configuration this run generated (for the report of a failure). */
  config: string;
  /** haproxy's own log lines (stderr), each with the server it chose and how the request ended. */
  logs: string[];
  stop(): Promise<void>;
}

const installHint = "haproxy was not found on PATH: install it (Debian/Ubuntu: apt-get install haproxy; macOS: brew install haproxy)";

/**
 * The haproxy configuration an operator would put in front of Hop's web
 * processes (written per run, on free ports).
 *
 * - Health: `GET /api/ready` every second (3 s to answer: a busy machine is
 *   slow, not down); two failures take a server out, two successes bring it
 *   back. A stopping web answers 503 for SHUTDOWN_DRAIN_MS before it closes
 *   its listener, longer than those two checks.
 * - Retries, with `option redispatch 1` (each retry goes to another server):
 *   on `conn-failure` for every method (a refused connection means the request
 *   was never sent), and on `empty-response` (the server closed the connection
 *   with nothing answered: it died mid-request) only for GET and HEAD
 *   (`disable-l7-retry` for the rest). Replaying a POST that may have reached a
 *   server would create a link twice. A GET of a short link does record its
 *   click before it answers; the replay records the same event because the
 *   frontend names each request (`unique-id-format`, sent as X-Request-Id,
 *   overwriting any a client sent) and Hop, trusting this proxy
 *   (TRUST_PROXY), derives the click's event id from that name, so the
 *   ingestion counts it once. Not `response-timeout` or 5xx: a slow or
 *   failing request is not replayed onto the other servers.
 * - `option http-server-close`: one request per server connection. A
 *   keep-alive connection that the server closes as it stops (SIGTERM) can
 *   race a new request sent on it, which then fails after it was sent and
 *   cannot be retried safely; a fresh connection per request is refused
 *   cleanly instead, and that is retried.
 */
export function haproxyConfig(listenPort: number, servers: ReadonlyArray<{ name: string; port: number }>): string {
  return [
    "global",
    "  maxconn 2000",
    "defaults",
    "  mode http",
    "  log stderr format raw local0 info",
    "  option httplog",
    "  timeout connect 2s",
    "  timeout client 30s",
    "  timeout server 30s",
    "  timeout queue 10s",
    "  timeout check 3s",
    "  retries 3",
    "  retry-on conn-failure empty-response",
    "  option redispatch 1",
    "  option http-server-close",
    "frontend hop",
    `  bind 127.0.0.1:${listenPort}`,
    "  log global",
    // A client's X-Request-Id in the log line ({...}), to match a failure the client saw with what haproxy did.
    "  http-request capture req.hdr(x-request-id) len 64",
    "  option forwardfor",
    "  unique-id-format %{+X}o%ci:%cp_%fi:%fp_%Ts_%rt:%pid",
    "  http-request set-header X-Request-Id %[unique-id]",
    "  http-request disable-l7-retry unless METH_GET || METH_HEAD",
    "  default_backend web",
    "backend web",
    "  balance roundrobin",
    "  option httpchk",
    "  http-check send meth GET uri /api/ready",
    "  http-check expect status 200",
    "  default-server inter 1s fastinter 500ms downinter 1s fall 2 rise 2",
    ...servers.map((server) => `  server ${server.name} 127.0.0.1:${server.port} check`),
    "",
  ].join("\n");
}

/** haproxy from PATH in front of the given web servers, until stop(). */
export async function startLoadBalancer(servers: ReadonlyArray<{ name: string; port: number }>): Promise<LoadBalancer> {
  if (spawnSync("haproxy", ["-v"]).error) throw new Error(installHint);
  const cleanup = new CleanupStack();
  try {
    const dir = mkdtempSync(join(tmpdir(), "hop-haproxy-"));
    cleanup.defer(() => rmSync(dir, { recursive: true, force: true }));
    const port = await freePort();
    const config = haproxyConfig(port, servers);
    const file = join(dir, "haproxy.cfg");
    writeFileSync(file, config);
    const check = spawnSync("haproxy", ["-c", "-f", file], { encoding: "utf8" });
    if (check.status !== 0) throw new Error(`haproxy refused the configuration:\n${check.stderr}${check.stdout}\n${config}`);
    // -db: stay in the foreground, log to stderr.
    const child = spawn("haproxy", ["-db", "-f", file], { stdio: ["ignore", "ignore", "pipe"] });
    trackChild(child, "SIGKILL");
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    cleanup.defer(async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    });
    const logs: string[] = [];
    let buffered = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      buffered += chunk.toString("utf8");
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      logs.push(...lines);
    });
    await waitForPort(port);
    return { url: `http://127.0.0.1:${port}`, config, logs, stop: () => cleanup.run() };
  } catch (error) {
    await cleanup.run().catch(() => undefined);
    throw error;
  }
}
