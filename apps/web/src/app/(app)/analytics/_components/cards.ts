import type { AnalyticsDimension } from "@hop/validators";

export interface CardTab {
  dimension: AnalyticsDimension;
  label: string;
}

export interface CardSpec {
  id: string;
  title: string;
  tabs: CardTab[];
}

/** The page's cards and their tabs (as Plausible and dub group them). */
export const analyticsCards: CardSpec[] = [
  {
    id: "links",
    title: "Links",
    tabs: [
      { dimension: "link", label: "Short links" },
      { dimension: "tag", label: "Tags" },
    ],
  },
  {
    id: "sources",
    title: "Sources",
    tabs: [
      { dimension: "referrer", label: "Referrers" },
      { dimension: "utmSource", label: "UTM sources" },
      { dimension: "utmMedium", label: "Mediums" },
      { dimension: "utmCampaign", label: "Campaigns" },
    ],
  },
  {
    id: "location",
    title: "Location",
    // Regions and cities are in the contract, but the bundled database knows countries only: no tabs that could only say "Unknown".
    tabs: [{ dimension: "country", label: "Countries" }],
  },
  {
    id: "tech",
    title: "Tech",
    tabs: [
      { dimension: "device", label: "Devices" },
      { dimension: "browser", label: "Browsers" },
      { dimension: "os", label: "OS" },
      { dimension: "trigger", label: "QR vs link" },
    ],
  },
];

/** The cards of a view: a link's own page has no use for a list of links (nor of its own tags). */
export function cardsFor(singleLink: boolean): CardSpec[] {
  return singleLink ? analyticsCards.filter((card) => card.id !== "links") : analyticsCards;
}
