import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";

export interface ProvidedPostgres {
  /** URL of the maintenance database of the run's PostgreSQL server. */
  adminUrl: string;
  /** A database with every migration applied, copied for each test file. */
  templateDatabase: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    hopPostgres: ProvidedPostgres;
  }
}

/**
 * A fresh, fully migrated database for one test file, copied from the
 * template the global setup migrated (milliseconds, not a migration run).
 */
export async function createTestDatabase(): Promise<string> {
  const { adminUrl, templateDatabase } = inject("hopPostgres");
  const name = `hop_test_${randomBytes(6).toString("hex")}`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}" TEMPLATE "${templateDatabase}"`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
