import { copyFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { bundleProcess } from "@hop/tsup-config";

// Click ingestion reads the country database (@hop/clicks' dependency) beside dist/main.js.
const fromClicks = createRequire(createRequire(import.meta.url).resolve("@hop/clicks/package.json"));
const countryDatabase = fromClicks.resolve("@ip-location-db/geo-whois-asn-country-mmdb/geo-whois-asn-country.mmdb");

// argon2 (a native addon, reached through @hop/api -> @hop/auth for imports) loads from node_modules, as in web.
export default bundleProcess({
  // export-process: one export run in a child process of its own (tasks/export-child.ts).
  entry: ["src/main.ts", "src/export-process.ts"],
  external: ["@node-rs/argon2"],
  onSuccess: () => copyFile(countryDatabase, "dist/geo-whois-asn-country.mmdb"),
});
