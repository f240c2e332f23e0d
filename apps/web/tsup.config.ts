import { bundleProcess } from "@hop/tsup-config";

// The custom server. Next loads its own files from node_modules; the Prisma
// runtime loads its WebAssembly query compiler beside itself; argon2 is a
// native addon, picked per platform at run time.
export default bundleProcess({ entry: { main: "server/main.ts" }, external: ["next", "@prisma/client", "@node-rs/argon2"] });
