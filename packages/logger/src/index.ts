import { pino, type Logger } from "pino";

export type { Logger };

export type LogLevel = "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";

/**
 * JSON lines on stdout, one per event, for whatever collects the process's
 * output; human-readable only when a person is watching a terminal.
 * (pino-pretty runs in a worker thread, so processes that log pretty must
 * load it from node_modules: the dev command, not a bundled deploy.)
 */
export function createLogger(name: string, level: LogLevel = "info"): Logger {
  // LOG_FORMAT=pretty is set by `pnpm dev`, whose children write to a pipe.
  const pretty = process.env.LOG_FORMAT === "pretty" || (process.stdout.isTTY === true && process.env.LOG_FORMAT !== "json");
  return pino({
    name,
    level,
    ...(pretty ? { transport: { target: "pino-pretty", options: { colorize: true, ignore: "pid,hostname", translateTime: "HH:MM:ss.l" } } } : {}),
  });
}
