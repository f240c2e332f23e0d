import { copyFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { bundleProcess } from "@hop/tsup-config";

// The redirect ingests a click itself when Redis is down: the country database (@hop/clicks') goes beside dist/main.js.
const fromClicks = createRequire(createRequire(import.meta.url).resolve("@hop/clicks/package.json"));
const countryDatabase = fromClicks.resolve("@ip-location-db/geo-whois-asn-country-mmdb/geo-whois-asn-country.mmdb");

// The custom server. Next loads its own files from node_modules; the Prisma
// runtime loads its WebAssembly query compiler beside itself; argon2 is a
// native addon, picked per platform at run time.
export default bundleProcess({
  entry: { main: "server/main.ts" },
  external: ["next", "@prisma/client", "@node-rs/argon2"],
  onSuccess: () => copyFile(countryDatabase, "dist/geo-whois-asn-country.mmdb"),
});
