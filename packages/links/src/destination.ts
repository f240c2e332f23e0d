import { utmKeys, type UtmParameters } from "@hop/validators";

/** The link's stored UTM fields, as Prisma returns them. */
export interface UtmColumns {
  utmSource: string | null;
  utmMedium: string | null;
  utmCampaign: string | null;
  utmTerm: string | null;
  utmContent: string | null;
}

export function utmFromColumns(link: UtmColumns): UtmParameters {
  return {
    source: link.utmSource ?? undefined,
    medium: link.utmMedium ?? undefined,
    campaign: link.utmCampaign ?? undefined,
    term: link.utmTerm ?? undefined,
    content: link.utmContent ?? undefined,
  };
}

export function utmToColumns(utm: UtmParameters): UtmColumns {
  const value = (text: string | undefined) => (text ? text : null);
  return {
    utmSource: value(utm.source),
    utmMedium: value(utm.medium),
    utmCampaign: value(utm.campaign),
    utmTerm: value(utm.term),
    utmContent: value(utm.content),
  };
}

/**
 * Where the redirect sends a visitor: the target with the link's UTM
 * parameters written into its query (replacing any the target already had
 * under the same names; every other parameter and the fragment kept).
 */
export function destinationUrl(target: string, utm: UtmParameters): string {
  const present = utmKeys.filter((key) => utm[key]);
  if (present.length === 0) return asLocationHeader(target);
  const url = new URL(asLocationHeader(target));
  for (const key of present) url.searchParams.set(`utm_${key}`, utm[key] ?? "");
  return url.toString();
}

const outsidePrintableAscii = /[^\x21-\x7e]/;

/**
 * A URL as a `Location` header can carry it: its WHATWG serialisation
 * (percent-encoded, punycode host). Targets are stored that way since the
 * validators serialise them; this guards rows and cache entries written
 * before, so a stored link can never make the redirect fail. A string no
 * parser accepts keeps its printable ASCII and has the rest percent-encoded.
 */
export function asLocationHeader(url: string): string {
  if (!outsidePrintableAscii.test(url)) return url;
  try {
    return new URL(url).href;
  } catch {
    return Array.from(url.replace(/[\t\r\n]/g, "").trim(), (char) => (outsidePrintableAscii.test(char) ? encodeURIComponent(char) : char)).join("");
  }
}
