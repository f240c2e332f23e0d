/**
 * Preload for a benchmarked process (`node --import <this> ...`): SIGUSR2
 * starts a CPU profile of the main thread, the next SIGUSR2 stops it and
 * writes it to $HOP_CPU_PROFILE_DIR/window-<n>.cpuprofile (n = 1, 2, ...). Unlike `--cpu-prof`, the profile holds only the
 * measured window, not start-up or the other rows of the run. Plain ESM: the
 * process runs from the build with node, not through tsx.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Session } from "node:inspector";

const dir = process.env.HOP_CPU_PROFILE_DIR;
if (dir) {
  mkdirSync(dir, { recursive: true });
  let windows = 0;
  const session = new Session();
  session.connect();
  let profiling = false;
  process.on("SIGUSR2", () => {
    if (!profiling) {
      profiling = true;
      session.post("Profiler.enable", () => session.post("Profiler.start"));
      return;
    }
    profiling = false;
    session.post("Profiler.stop", (error, result) => {
      if (error) process.stderr.write(`cpu profile: ${error.message}\n`);
      else writeFileSync(join(dir, `window-${++windows}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
