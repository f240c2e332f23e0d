import type { AnalyticsDimension, AnalyticsFilter } from "@hop/validators";

/** What each dimension is called on the page (the filter chips, the CSV file names, the cards' tabs). */
export const dimensionLabels: Record<AnalyticsDimension, string> = {
  link: "Link",
  tag: "Tag",
  country: "Country",
  region: "Region",
  city: "City",
  device: "Device",
  browser: "Browser",
  os: "OS",
  referrer: "Referrer",
  utmSource: "UTM source",
  utmMedium: "UTM medium",
  utmCampaign: "UTM campaign",
  trigger: "QR or link",
};

const countryNames = (() => {
  try {
    return new Intl.DisplayNames(["en"], { type: "region", fallback: "code" });
  } catch {
    return null;
  }
})();

/** A country's flag from its ISO code: two regional-indicator letters, which systems draw as the flag. */
export function countryFlag(code: string): string {
  if (!/^[A-Za-z]{2}$/.test(code)) return "";
  return String.fromCodePoint(...[...code.toUpperCase()].map((letter) => 0x1f1e6 + letter.charCodeAt(0) - 65));
}

export function countryName(code: string): string {
  if (!/^[A-Za-z]{2}$/.test(code)) return code;
  try {
    return countryNames?.of(code.toUpperCase()) ?? code;
  } catch {
    return code;
  }
}

const deviceNames: Record<string, string> = { desktop: "Desktop", mobile: "Mobile", tablet: "Tablet" };
const triggerNames: Record<string, string> = { qr: "QR code scan", link: "Link click" };

/**
 * How a value reads in a card or a chip. The empty value is "Unknown" (no
 * country in the database for that address, a browser the parser does not
 * know); a link's value is its id, shown by the name the caller gives.
 */
export function valueLabel(dimension: AnalyticsDimension, value: string, linkNames?: ReadonlyMap<string, string>): string {
  if (value === "") return "Unknown";
  switch (dimension) {
    case "country":
      return countryName(value);
    case "device":
      return deviceNames[value] ?? value;
    case "trigger":
      return triggerNames[value] ?? value;
    case "referrer":
      return value === "direct" ? "Direct, no referrer" : value;
    case "link":
      return linkNames?.get(value) ?? value;
    default:
      return value;
  }
}

export function filterLabel(filter: AnalyticsFilter, linkNames?: ReadonlyMap<string, string>): string {
  return `${dimensionLabels[filter.dimension]} ${filter.op === "is" ? "is" : "is not"} ${valueLabel(filter.dimension, filter.value, linkNames)}`;
}
