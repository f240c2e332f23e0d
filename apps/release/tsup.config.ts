import { cpSync } from "node:fs";
import { bundleProcess } from "@hop/tsup-config";

// The migrations travel beside the bundle (dist/migrations), read at run time.
export default bundleProcess({
  entry: ["src/main.ts"],
  onSuccess: async () => {
    cpSync("../../packages/db/prisma/migrations", "dist/migrations", { recursive: true });
  },
});
