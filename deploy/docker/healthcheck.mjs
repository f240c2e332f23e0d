// The image's HEALTHCHECK: one image runs four processes, so it asks PID 1
// which one it is. web answers /api/health, redis-http /ready (Redis reachable);
// the worker serves no HTTP: a running process is healthy (its liveness shows on
// /system through its Redis heartbeat); release is a one-off.
import { readFileSync } from "node:fs";

const command = readFileSync("/proc/1/cmdline", "utf8").split("\0").join(" ");
const probes = [
  { match: "/apps/web/", path: "/api/health", port: 3000 },
  { match: "/apps/redis-http/", path: "/ready", port: 8079 },
];
const probe = probes.find((candidate) => command.includes(candidate.match));
if (!probe) process.exit(0);
const port = Number(process.env.PORT || probe.port);
try {
  const response = await fetch(`http://127.0.0.1:${port}${probe.path}`, { signal: AbortSignal.timeout(8_000) });
  process.exit(response.ok ? 0 : 1);
} catch (error) {
  process.stderr.write(`healthcheck: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
