import { migrateDatabase } from "@hop/db/migrate";
import { migrateJobQueue } from "@hop/jobs";
import { startPostgresServer, type PostgresServer } from "@hop/test-harness";
import type { TestProject } from "vitest/node";

/**
 * One PostgreSQL server for the whole run, with a template database that has
 * every migration applied; each test file copies it (createTestDatabase).
 * Redis is started per test file, as it costs milliseconds.
 */
let server: PostgresServer | undefined;

export async function setup(project: TestProject): Promise<void> {
  server = await startPostgresServer({ ephemeral: true });
  const templateDatabase = "hop_template";
  const url = await server.createDatabase(templateDatabase);
  await migrateDatabase(url);
  await migrateJobQueue(url);
  project.provide("hopPostgres", { adminUrl: server.adminUrl, templateDatabase });
}

export async function teardown(): Promise<void> {
  await server?.stop();
}
