// `prisma generate` needs no schema engine, but the CLI looks for one at start
// and would try to download it (Prisma's CDN is unreachable on many build
// machines). Any existing file satisfies the check; generation is pure
// TypeScript + WebAssembly.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const packageDir = fileURLToPath(new URL("..", import.meta.url));
const result = spawnSync("prisma", ["generate"], {
  cwd: packageDir,
  stdio: "inherit",
  shell: process.platform === "win32",
  env: {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
    PRISMA_HIDE_UPDATE_MESSAGE: "1",
    CHECKPOINT_DISABLE: "1",
  },
});
process.exit(result.status ?? 1);
