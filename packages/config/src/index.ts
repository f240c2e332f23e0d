import type { z } from "zod";

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

/**
 * Validates the environment against a zod schema. On failure the message is
 * one line that names every missing or malformed variable, e.g.
 * `invalid configuration: REDIS_URL is required; PORT must be a number`.
 * Empty strings count as unset, as in most .env tooling.
 */
export function parseEnv<Schema extends z.ZodType>(schema: Schema, source: Record<string, string | undefined> = process.env): z.infer<Schema> {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== undefined && value !== ""));
  const parsed = schema.safeParse(cleaned);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const name = issue.path.join(".") || "environment";
    const missing = issue.code === "invalid_type" && cleaned[name] === undefined;
    return `${name} ${missing ? "is required" : issue.message}`;
  });
  throw new ConfigError(`invalid configuration: ${problems.join("; ")}`);
}

/**
 * For a process entry point: parse or print the one line and exit(1).
 */
export function loadEnvOrExit<Schema extends z.ZodType>(processName: string, schema: Schema): z.infer<Schema> {
  try {
    return parseEnv(schema);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${processName}: ${error.message} (see .env.example)\n`);
    process.exit(1);
  }
}
