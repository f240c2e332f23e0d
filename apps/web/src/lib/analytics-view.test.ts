import { describe, expect, it } from "vitest";
import { apiPeriod, parseAnalyticsView, serializeAnalyticsView, startOfDayIn, withFilter } from "./analytics-view";

const view = (query: string) => parseAnalyticsView(new URLSearchParams(query));

describe("the analytics view in the URL", () => {
  it("reads and writes filters, period, zone and bots readably", () => {
    const parsed = view("period=7d&tz=Asia/Kolkata&f=is,country,DE&f=isNot,browser,Chrome&bots=1");
    expect(parsed).toEqual({
      period: "7d",
      from: null,
      to: null,
      timezone: "Asia/Kolkata",
      filters: [
        { op: "is", dimension: "country", value: "DE" },
        { op: "isNot", dimension: "browser", value: "Chrome" },
      ],
      includeBots: true,
    });
    expect(serializeAnalyticsView(parsed)).toBe("period=7d&tz=Asia/Kolkata&f=is,country,DE&f=isNot,browser,Chrome&bots=1");
  });

  it("keeps defaults out of the address and values with commas whole", () => {
    const parsed = view("f=is,utmCampaign,spring,sale");
    expect(parsed.filters).toEqual([{ op: "is", dimension: "utmCampaign", value: "spring,sale" }]);
    expect(serializeAnalyticsView({ ...parsed, filters: [] })).toBe("");
  });

  it("drops what it cannot read instead of failing", () => {
    const parsed = view("period=forever&tz=Mars/Olympus&f=maybe,country,DE&f=is,shoeSize,42&f=is,country&bots=yes");
    expect(parsed).toEqual({ period: "30d", from: null, to: null, timezone: null, filters: [], includeBots: false });
    expect(view("period=custom&from=2026-11-10&to=2026-11-01").period).toBe("30d");
  });

  it("a custom range covers whole days in the view's zone, including :30 offsets", () => {
    const parsed = view("period=custom&from=2026-11-01&to=2026-11-02");
    expect(parsed.period).toBe("custom");
    expect(apiPeriod(parsed, "Asia/Kolkata")).toEqual({ from: new Date("2026-10-31T18:30:00Z"), to: new Date("2026-11-02T18:30:00Z") });
    expect(startOfDayIn("2026-03-29", "Europe/Berlin")).toEqual(new Date("2026-03-28T23:00:00Z"));
    expect(apiPeriod(view("period=90d"), "UTC")).toBe("90d");
  });

  it("a filter replaces its opposite on the same value", () => {
    const filters = withFilter([{ op: "is", dimension: "country", value: "DE" }], { op: "isNot", dimension: "country", value: "DE" });
    expect(filters).toEqual([{ op: "isNot", dimension: "country", value: "DE" }]);
  });
});
