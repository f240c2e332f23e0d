import { describe, expect, it } from "vitest";
import {
  clickDraftArgs,
  clickEventFromStreamFields,
  clickEventToStreamFields,
  clickStreamFieldOrder,
  clickStreamFieldValues,
  clickStreamXaddLua,
  enrichClick,
  enrichClicks,
  packedClickFields,
  type ClickEvent,
} from "../src";

// The click as it travels (stream fields) and as the worker enriches it: pure,
// beside the code, fast enough for mutation testing.
const event: ClickEvent = {
  eventId: "e1",
  linkId: "l1",
  occurredAt: new Date(1_764_500_000_000),
  referrer: "https://News.Example/post/1",
  userAgent: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15",
  country: "DE",
  visitorHash: "hash",
  ip: "192.0.2.1",
  trigger: "qr",
};

describe("stream fields", () => {
  it("round-trip an event packed; absent values travel as empty strings, a visitor hash only when there is one", () => {
    expect(clickEventToStreamFields(event)).toEqual({
      linkId: "l1",
      occurredAt: "1764500000000",
      packed: ["e1", event.referrer, event.userAgent, "DE", "192.0.2.1", "qr"].join("\0"),
      visitorHash: "hash",
    });
    expect(clickEventFromStreamFields(clickEventToStreamFields(event))).toEqual(event);
    const bare = { ...event, referrer: null, userAgent: null, country: null, ip: null, visitorHash: null };
    expect(clickEventToStreamFields(bare)).toEqual({ linkId: "l1", occurredAt: "1764500000000", packed: "e1\0\0\0\0\0qr" });
    expect(clickEventFromStreamFields(clickEventToStreamFields(bare))).toEqual(bare);
  });
  it("packs every field but the link id, the time and the visitor hash, in the stream's one order", () => {
    expect(packedClickFields).toEqual(clickStreamFieldOrder.filter((key) => key !== "linkId" && key !== "occurredAt" && key !== "visitorHash"));
    const fields = clickStreamFieldValues(event);
    expect(clickEventToStreamFields(event).packed.split("\0")).toEqual(packedClickFields.map((key) => fields[key]));
  });
  it("reads entries of the first shape, every field by name (the legacy stream's), the same", () => {
    expect(clickEventFromStreamFields(clickStreamFieldValues(event))).toEqual(event);
    // An entry written before the address and trigger existed reads as no address, a plain link visit.
    const { ip: _ip, trigger: _trigger, ...older } = clickStreamFieldValues(event);
    expect(clickEventFromStreamFields(older)).toMatchObject({ ip: null, trigger: "link" });
  });
  it("upper-cases the country and reads numbers as text", () => {
    expect(clickEventFromStreamFields({ ...clickStreamFieldValues(event), country: "de", eventId: 42 })).toMatchObject({ country: "DE", eventId: "42" });
    expect(clickEventFromStreamFields({ ...clickEventToStreamFields(event), packed: "42\0\0\0de\0\0link" })).toMatchObject({
      country: "DE",
      eventId: "42",
    });
  });
  it.each([
    ["no event id", { eventId: "" }],
    ["no link id", { linkId: undefined }],
    ["a bad time", { occurredAt: "soon" }],
    ["a 3-letter country", { country: "DEU" }],
    ["a visitor hash longer than any HMAC", { visitorHash: "x".repeat(129) }],
  ])("throws for an entry with %s", (_case, change) => {
    expect(() => clickEventFromStreamFields({ ...clickStreamFieldValues(event), ...change })).toThrow();
  });
  it.each([
    ["a field too few", ["e1", "", "", "DE", "192.0.2.1"]],
    ["a field too many", ["e1", "", "", "DE", "192.0.2.1", "qr", "x"]],
    ["no event id", ["", "", "", "DE", "192.0.2.1", "qr"]],
    ["an unknown trigger", ["e1", "", "", "DE", "192.0.2.1", "sms"]],
  ])("throws for a packed entry with %s", (_case, values) => {
    expect(() => clickEventFromStreamFields({ ...clickEventToStreamFields(event), packed: values.join("\0") })).toThrow();
  });
  it("never packs the separator inside a field: a NUL in a value is removed, so every field lands in its own place", () => {
    const fields = clickEventToStreamFields({ ...event, userAgent: "Bot\0/1\0", referrer: "\0" });
    expect(fields.packed.split("\0")).toHaveLength(packedClickFields.length);
    expect(clickEventFromStreamFields(fields)).toMatchObject({ userAgent: "Bot/1", referrer: null, ip: "192.0.2.1", trigger: "qr" });
  });
});

describe("enrichment", () => {
  it("derives browser, OS, device and the referrer's host in lower case", () => {
    const { ip: _ip, ...stored } = event;
    expect(enrichClick(event)).toEqual({
      ...stored,
      referrerHost: "news.example",
      device: "desktop",
      browser: "Safari",
      os: "Mac OS",
      isBot: false,
      region: null,
      city: null,
      utmSource: null,
      utmMedium: null,
      utmCampaign: null,
    });
  });
  it("takes the device type from the agent when it names one", () => {
    const phone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1";
    expect(enrichClick({ ...event, userAgent: phone })).toMatchObject({ device: "mobile", os: "iOS", isBot: false });
  });
  it("counts a visit without user agent, or with a crawler's, as a bot", () => {
    expect(enrichClick({ ...event, userAgent: null })).toMatchObject({ isBot: true, browser: null, os: null, device: "desktop" });
    expect(enrichClick({ ...event, userAgent: "Googlebot/2.1 (+http://www.google.com/bot.html)" }).isBot).toBe(true);
    expect(enrichClick({ ...event, userAgent: "curl/8.0" }).isBot).toBe(true);
  });
  it("has no referrer host for none, a non-URL, or a URL without host", () => {
    expect(enrichClick({ ...event, referrer: null }).referrerHost).toBeNull();
    expect(enrichClick({ ...event, referrer: "not a url" }).referrerHost).toBeNull();
    expect(enrichClick({ ...event, referrer: "mailto:a@b.c" }).referrerHost).toBeNull();
  });
  it("enriches a batch exactly as one by one", () => {
    const batch = [event, { ...event, eventId: "e2", userAgent: null, referrer: null }, { ...event, eventId: "e3" }];
    expect(enrichClicks(batch)).toEqual(batch.map((one) => enrichClick(one)));
  });
});

describe("the redirect's stream arguments", () => {
  const { linkId: _linkId, ...draft } = { ...event, ip: "198.51.100.4", trigger: "qr" as const, visitorHash: null };
  /** What the script's XADD writes with the two arguments: the entry a worker reads. */
  const written = (args: [string, string]) => ({ linkId: "l1", occurredAt: args[0], packed: args[1] });

  it("are occurredAt and the packed field, as clickEventToStreamFields writes them (no link id, no visitor hash)", () => {
    const args = clickDraftArgs(draft);
    expect(written(args)).toEqual(clickEventToStreamFields({ ...draft, linkId: "l1" }));
    // Read back as the worker reads it: the same event, with no hash yet (ingestion computes it).
    expect(clickEventFromStreamFields(written(args))).toEqual({ ...draft, linkId: "l1", visitorHash: null });
    // Empty fields keep their place.
    const bare = { ...draft, referrer: null, userAgent: null, country: null, ip: null };
    expect(clickEventFromStreamFields(written(clickDraftArgs(bare)))).toEqual({ ...bare, linkId: "l1", visitorHash: null });
  });

  it("never carry the separator inside a field: a NUL in a value is removed, so every field lands in its own place", () => {
    const args = clickDraftArgs({ ...draft, userAgent: "Bot\0/1\0", referrer: "\0" });
    expect(args[1].split("\0")).toHaveLength(packedClickFields.length);
    expect(clickEventFromStreamFields(written(args))).toMatchObject({ userAgent: "Bot/1", referrer: null, ip: "198.51.100.4", trigger: "qr" });
  });

  it("are written by the script's XADD under the stream's field names, passed through as they are", () => {
    expect(clickStreamXaddLua("KEYS[2]", "link.id", "ARGV[1]", "ARGV[2]")).toBe(
      "redis.call('XADD', KEYS[2], '*', 'linkId', link.id, 'occurredAt', ARGV[1], 'packed', ARGV[2])",
    );
  });
});
