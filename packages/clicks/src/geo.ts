import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Reader, type Response } from "mmdb-lib";

/**
 * Country from the visitor's address, with the bundled
 * @ip-location-db/geo-whois-asn-country-mmdb (CC0; built from RIR/NRO
 * statistics, whose attribution is in the README): no licence key, no
 * download at run time, read in memory (about 8 MB) by mmdb-lib.
 */
export const countryDatabaseFile = "geo-whois-asn-country.mmdb";

export interface CountryLookup {
  /** ISO 3166-1 alpha-2 in upper case, or null (unknown address, private range, no database). */
  countryOf(ip: string | null): string | null;
}

/**
 * Where the database is: beside the running file when a process bundle
 * carries it (the worker's build copies it there), else in node_modules.
 */
export function bundledCountryDatabasePath(): string | null {
  const beside = join(dirname(fileURLToPath(import.meta.url)), countryDatabaseFile);
  if (existsSync(beside)) return beside;
  try {
    const manifest = createRequire(import.meta.url).resolve("@ip-location-db/geo-whois-asn-country-mmdb/package.json");
    const path = join(dirname(manifest), countryDatabaseFile);
    return existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

const ipv4Mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/** Opens a country database (the bundled one by default); without one every address is unknown. */
export function openCountryDatabase(path: string | null = bundledCountryDatabasePath()): CountryLookup {
  if (!path) return { countryOf: () => null };
  const reader = new Reader<Response>(readFileSync(path));
  return {
    countryOf(ip) {
      if (!ip) return null;
      const address = ip.replace(ipv4Mapped, "$1");
      try {
        // This database's records are { country_code: "DE" } (not MaxMind's nested shape).
        const record: unknown = reader.get(address);
        const code = record && typeof record === "object" && "country_code" in record ? record.country_code : null;
        return typeof code === "string" && /^[A-Za-z]{2}$/.test(code) ? code.toUpperCase() : null;
      } catch {
        // Not an address ("unknown" when the socket had none): no country.
        return null;
      }
    },
  };
}

let shared: CountryLookup | undefined;

/** The bundled database, opened once per process on first use. */
export function bundledCountries(): CountryLookup {
  shared ??= openCountryDatabase();
  return shared;
}
