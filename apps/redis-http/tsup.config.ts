import { bundleProcess } from "@hop/tsup-config";

export default bundleProcess({ entry: ["src/main.ts"] });
