// The callbacks of page.evaluate() run in the browser, with its globals.
/// <reference lib="dom" />
import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { openCountryDatabase } from "@hop/clicks";
import { startHopProcess, type HopProcess } from "@hop/test-harness";
import { qrScanUrl } from "@hop/validators";
import { strFromU8, unzipSync } from "fflate";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, saveScreenshot } from "../support/browser";
import { startCluster, type Cluster } from "../support/cluster";
import { createCookieClient } from "../support/http-session";

// The analytics page in Chromium against two web instances and a worker of
// the production build. Visits arrive through web 2, each from its own
// address (X-Forwarded-For from a trusted proxy), browser, referrer and
// campaign; web 1's dashboard, open all along, shows them within 2 s without
// reloading (server-sent events through Redis). A country row filters every
// card; the export matches the cards; the instance serving the page restarts
// and the page catches up.
let cluster: Cluster;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let fixture: Server;
let fixtureUrl: string;
/** web 1 after its restart (on the same port, as behind a load balancer's fixed address). */
let restartedWeb: HopProcess | undefined;
const owner = createCookieClient();
const webUrl = (index: number) => cluster.webs[index]!.url!;

const agents = {
  chromeWindows: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36",
  safariIphone: "Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.5 Mobile/15E148 Safari/604.1",
  firefoxLinux: "Mozilla/5.0 (X11; Linux x86_64; rv:142.0) Gecko/20100101 Firefox/142.0",
  chromeAndroid: "Mozilla/5.0 (Linux; Android 15; Pixel 9) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Mobile Safari/537.36",
  safariIpad: "Mozilla/5.0 (iPad; CPU OS 18_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.5 Mobile/15E148 Safari/604.1",
  googlebot: "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
};

/** Addresses from the bundled database's own ranges, each checked against it below (the expected country is the database's word). */
const addresses = { de: "85.214.132.117", gb: "81.2.69.142", us: "8.8.8.8" };

interface Visit {
  slug: string;
  ip: string;
  userAgent: string;
  referer?: string;
  qr?: boolean;
}

/** A visit through web 2, as a browser behind the trusted proxy makes it. */
async function visit({ slug, ip, userAgent, referer, qr }: Visit): Promise<void> {
  const url = qr ? qrScanUrl(`${webUrl(1)}/${slug}`) : `${webUrl(1)}/${slug}`;
  const headers: Record<string, string> = { "user-agent": userAgent, "x-forwarded-for": ip };
  if (referer) headers.referer = referer;
  const response = await fetch(url, { redirect: "manual", headers });
  expect(response.status).toBe(302);
}

const text = (testId: string) => page.getByTestId(testId).first().textContent();
/** The rows a card shows now, as value -> clicks. */
const cardRows = (dimension: string, on: Page = page) =>
  on
    .locator(`[data-testid="top-row"][data-dimension="${dimension}"]`)
    .evaluateAll((rows) => Object.fromEntries(rows.map((row) => [row.getAttribute("data-value") ?? "", Number(row.getAttribute("data-clicks"))])));
const showTab = async (card: string, tab: string) => page.getByTestId(`card-${card}`).getByRole("tab", { name: tab }).click();
const sidewaysOverflow = (on: Page) => on.evaluate(() => document.scrollingElement!.scrollWidth - window.innerWidth);

beforeAll(async () => {
  fixture = createServer((_request, response) => {
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    response.end("<!doctype html><title>Fixture</title><h1>Fixture</h1>");
  });
  await new Promise<void>((resolve) => fixture.listen(0, "127.0.0.1", resolve));
  fixtureUrl = `http://127.0.0.1:${(fixture.address() as AddressInfo).port}`;

  browser = await launchBrowser();
  cluster = await startCluster({ web: 2, workers: 1, env: { TRUST_PROXY: "127.0.0.1", METADATA_FETCH_ALLOW_LOOPBACK: "true" } });
  await owner.api(webUrl(0)).auth.signUp.mutate({ email: "analytics-owner@example.com", password: "correct horse battery" });
  const api = owner.api(webUrl(0));
  await api.links.create.mutate({
    url: `${fixtureUrl}/spring`,
    slug: "spring",
    utm: { source: "newsletter", medium: "email", campaign: "spring-sale" },
  });
  await api.links.create.mutate({ url: `${fixtureUrl}/docs`, slug: "docs" });
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true, timezoneId: "Asia/Kolkata" });
  context.setDefaultTimeout(10_000);
  await context.addCookies([{ name: "hop_session", value: owner.cookie!, url: webUrl(0) }]);
  page = await context.newPage();
}, 180_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await restartedWeb?.kill();
  await cluster?.stop();
  await new Promise((resolve) => fixture?.close(resolve));
});

describe("the analytics page", () => {
  it("the test's addresses are where the bundled database says", () => {
    const countries = openCountryDatabase();
    expect(countries.countryOf(addresses.de)).toBe("DE");
    expect(countries.countryOf(addresses.gb)).toBe("GB");
    expect(countries.countryOf(addresses.us)).toBe("US");
  });

  it("shows visits made through another instance live, within 2 s, without reloading", async () => {
    await page.goto(`${webUrl(0)}/analytics`);
    await page.getByRole("heading", { level: 1, name: "Analytics" }).waitFor();
    await page.locator('[data-testid="live-status"][data-status="live"]').waitFor();
    await expect.poll(() => text("total-clicks")).toBe("0");
    await page.getByText("No clicks in this period yet").waitFor();
    // The zone is the browser's own, until the viewer picks another.
    // (Chromium's ICU names India's zone by its older alias.)
    expect(["Asia/Kolkata", "Asia/Calcutta"]).toContain(await page.getByLabel("Time zone").inputValue());
    await saveScreenshot(page, "analytics-empty-1280");

    const visits: Visit[] = [
      { slug: "spring", ip: addresses.de, userAgent: agents.chromeWindows, referer: "https://news.ycombinator.com/item?id=1" },
      { slug: "spring", ip: addresses.de, userAgent: agents.safariIphone, referer: "https://t.co/abc" },
      { slug: "spring", ip: addresses.gb, userAgent: agents.firefoxLinux },
      { slug: "docs", ip: addresses.us, userAgent: agents.chromeAndroid, referer: "https://www.google.com/" },
      { slug: "docs", ip: addresses.gb, userAgent: agents.chromeWindows, referer: "https://news.ycombinator.com/" },
      { slug: "docs", ip: addresses.de, userAgent: agents.safariIpad, qr: true },
      // A crawler: recorded, left out unless asked.
      { slug: "docs", ip: addresses.us, userAgent: agents.googlebot },
    ];
    for (const one of visits) await visit(one);
    const sentAt = Date.now();
    await expect.poll(() => text("total-clicks"), { timeout: 2_000, interval: 50 }).toBe("6");
    await expect.poll(() => text("live-total"), { timeout: 2_000, interval: 50 }).toBe("6");
    const seenAfterMs = Date.now() - sentAt;
    expect(seenAfterMs).toBeLessThan(2_000);

    expect(await cardRows("country")).toEqual({ DE: 3, GB: 2, US: 1 });
    expect(await cardRows("link").then((rows) => Object.values(rows).sort())).toEqual([3, 3]);
    expect(await cardRows("referrer")).toEqual({ "news.ycombinator.com": 2, "t.co": 1, "www.google.com": 1, direct: 2 });
    expect(await cardRows("device")).toEqual({ desktop: 3, mobile: 2, tablet: 1 });
    await showTab("sources", "UTM sources");
    await expect.poll(() => cardRows("utmSource")).toEqual({ newsletter: 3, "": 3 });
    await showTab("tech", "QR vs link");
    await expect.poll(() => cardRows("trigger")).toEqual({ link: 5, qr: 1 });
    await showTab("tech", "Browsers");
    await expect.poll(() => cardRows("browser").then((rows) => Object.values(rows).reduce((sum, clicks) => sum + clicks, 0))).toBe(6);
    expect(await page.getByTestId("timeseries-chart").getAttribute("data-total")).toBe("6");
    await saveScreenshot(page, "analytics-1280");
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);

    // Bots are one toggle away.
    // (A click, not check(): the box shows the address's state, which follows a moment later.)
    await page.getByLabel("Include bots").click();
    await expect.poll(() => text("total-clicks")).toBe("7");
    await expect.poll(() => page.getByLabel("Include bots").isChecked()).toBe(true);
    await page.getByLabel("Include bots").click();
    await expect.poll(() => text("total-clicks")).toBe("6");
  });

  it("a click on a country filters every card, in a URL that can be shared; Esc clears it", async () => {
    await page
      .getByTestId("card-location")
      .getByRole("button", { name: /^Germany: 3 clicks/ })
      .click();
    await expect.poll(() => new URL(page.url()).searchParams.getAll("f")).toEqual(["is,country,DE"]);
    await expect.poll(() => text("total-clicks")).toBe("3");
    await expect.poll(() => cardRows("country")).toEqual({ DE: 3 });
    await expect.poll(() => cardRows("link").then((rows) => Object.values(rows).sort())).toEqual([1, 2]);
    await expect.poll(() => cardRows("browser").then((rows) => Object.values(rows).reduce((sum, clicks) => sum + clicks, 0))).toBe(3);
    await showTab("sources", "Referrers");
    await expect.poll(() => cardRows("referrer")).toEqual({ "news.ycombinator.com": 1, "t.co": 1, direct: 1 });
    await showTab("tech", "QR vs link");
    await expect.poll(() => cardRows("trigger")).toEqual({ link: 2, qr: 1 });
    await showTab("tech", "Devices");
    await expect.poll(() => cardRows("device")).toEqual({ desktop: 1, mobile: 1, tablet: 1 });
    expect(await page.getByTestId("active-filter").allTextContents()).toEqual(["Country is Germany"]);

    // The same address in a new tab shows the same view.
    const shared = await context.newPage();
    try {
      await shared.goto(page.url());
      await expect.poll(() => shared.getByTestId("total-clicks").textContent()).toBe("3");
    } finally {
      await shared.close();
    }

    // "is not": everything but Germany.
    await page.keyboard.press("Escape");
    await expect.poll(() => text("total-clicks")).toBe("6");
    await page.getByTestId("card-location").getByRole("button", { name: "Leave out Germany" }).click();
    await expect.poll(() => text("total-clicks")).toBe("3");
    await expect.poll(() => cardRows("country")).toEqual({ GB: 2, US: 1 });
    await page.keyboard.press("Escape");
    await expect.poll(() => text("total-clicks")).toBe("6");
    expect(new URL(page.url()).searchParams.getAll("f")).toEqual([]);
  });

  it("exports the cards as they show, and the raw clicks of the period", async () => {
    await page
      .getByTestId("card-location")
      .getByRole("button", { name: /^Germany: 3 clicks/ })
      .click();
    await expect.poll(() => text("total-clicks")).toBe("3");
    const shownDevices = await cardRows("device");

    const [zipDownload] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-zip").click()]);
    const files = unzipSync(new Uint8Array(await readFile((await zipDownload.path())!)));
    const csv = (name: string) =>
      strFromU8(files[name] ?? new Uint8Array())
        .trim()
        .split("\r\n");
    expect(Object.keys(files)).toEqual(
      expect.arrayContaining(["totals.csv", "clicks-over-time.csv", "countries.csv", "devices.csv", "referrers.csv", "links.csv"]),
    );
    expect(csv("countries.csv")).toEqual(["country_code,country,clicks", "DE,Germany,3"]);
    expect(
      csv("devices.csv")
        .slice(1)
        .map((line) => line.split(",")),
    ).toEqual(Object.entries(shownDevices).map(([device, clicks]) => [device[0]!.toUpperCase() + device.slice(1), String(clicks)]));
    expect(csv("totals.csv")[1]?.split(",").slice(3, 4)).toEqual(["3"]);
    const overTime = csv("clicks-over-time.csv").slice(1);
    expect(overTime.reduce((sum, line) => sum + Number(line.split(",").at(-1)), 0)).toBe(3);

    const [rawDownload] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-raw").click()]);
    const raw = (await readFile((await rawDownload.path())!, "utf8")).trim().split("\r\n");
    expect(raw[0]).toMatch(/^occurred_at_utc,link_id,slug,country,/);
    expect(raw.slice(1).map((line) => line.split(",")[3])).toEqual(["DE", "DE", "DE"]);
    await page.keyboard.press("Escape");
    await expect.poll(() => text("total-clicks")).toBe("6");
  });

  it("shows a custom range of whole days in the viewer's zone", async () => {
    const dayInKolkata = (instant: number) => new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Kolkata" }).format(instant);
    const today = dayInKolkata(Date.now());
    const from = dayInKolkata(Date.now() - 2 * 86_400_000);
    await page.getByRole("button", { name: "Custom range" }).click();
    await page.getByLabel("From").fill(from);
    await page.getByLabel("To (included)").fill(today);
    await page.getByRole("button", { name: "Show range" }).click();
    await expect.poll(() => Object.fromEntries(new URL(page.url()).searchParams)).toMatchObject({ period: "custom", from, to: today });
    await expect.poll(() => text("total-clicks")).toBe("6");
    await expect.poll(() => page.getByTestId("timeseries-chart").getAttribute("aria-label")).toMatch(/over 3 days/);
    // An impossible range cannot be asked for.
    await page.getByLabel("From").fill(today);
    await page.getByLabel("To (included)").fill(from);
    expect(await page.getByRole("button", { name: "Show range" }).isDisabled()).toBe(true);
    await page.getByRole("button", { name: "Last 30 days" }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get("period")).toBe(null);
    await expect.poll(() => text("total-clicks")).toBe("6");
  });

  it("fits a phone without sideways scrolling", async () => {
    const phone = await context.newPage();
    try {
      await phone.setViewportSize({ width: 390, height: 844 });
      await phone.goto(`${webUrl(0)}/analytics`);
      await expect.poll(() => phone.getByTestId("total-clicks").first().textContent()).toBe("6");
      await expect.poll(() => cardRows("country", phone)).toEqual({ DE: 3, GB: 2, US: 1 });
      await saveScreenshot(phone, "analytics-390");
      expect(await sidewaysOverflow(phone)).toBeLessThanOrEqual(0);
    } finally {
      await phone.close();
    }
  });

  it("catches up after the instance serving the page and its stream restarts", async () => {
    const first = cluster.webs[0]!;
    const port = new URL(first.url!).port;
    await first.stop();
    await page.locator('[data-testid="live-status"][data-status="reconnecting"]').waitFor();
    // Visits while the page's instance is down.
    await visit({ slug: "spring", ip: addresses.us, userAgent: agents.firefoxLinux });
    await visit({ slug: "docs", ip: addresses.gb, userAgent: agents.safariIphone });
    restartedWeb = await startHopProcess("web", { ...cluster.env, PORT: port });
    await page.locator('[data-testid="live-status"][data-status="live"]').waitFor({ timeout: 20_000 });
    await expect.poll(() => text("total-clicks"), { timeout: 10_000 }).toBe("8");
    // And it is live again (the 2 s budget is the first test's; a freshly started instance answers its first queries slower).
    await visit({ slug: "spring", ip: addresses.de, userAgent: agents.chromeAndroid });
    await expect.poll(() => text("total-clicks"), { timeout: 10_000, interval: 50 }).toBe("9");
    // A stop, a cold start and a reconnect: on a shared 2-core machine that takes longer than vitest's default 30 s.
  }, 90_000);
});
