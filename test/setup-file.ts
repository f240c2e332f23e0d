import { stopEverythingStarted } from "@hop/test-harness";
import { afterAll } from "vitest";

// Runs before every test file. Its afterAll runs after the file's own (hooks
// unwind in reverse), and stops whatever the harness started that is still
// running: the processes of a setup that failed before it could hand them to
// the file's own afterAll (a web build missing, chromium missing).
afterAll(async () => {
  await stopEverythingStarted();
});
