import { copyFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { bundleProcess } from "@hop/tsup-config";

// Click ingestion reads the country database (@hop/clicks' dependency) beside dist/main.js.
const fromClicks = createRequire(createRequire(import.meta.url).resolve("@hop/clicks/package.json"));
const countryDatabase = fromClicks.resolve("@ip-location-db/geo-whois-asn-country-mmdb/geo-whois-asn-country.mmdb");

export default bundleProcess({ entry: ["src/main.ts"], onSuccess: () => copyFile(countryDatabase, "dist/geo-whois-asn-country.mmdb") });
