// The callbacks of page.evaluate() run in the browser, with its globals.
/// <reference lib="dom" />
import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, saveScreenshot } from "../support/browser";
import { startCluster, type Cluster } from "../support/cluster";
import { createCookieClient } from "../support/http-session";

// The links page in Chromium against two web instances and a worker of the
// production build: a user creates, copies, follows, edits, finds, draws as a
// QR code and deletes a link, every step through the UI. The short link is
// followed on the other instance than the one that served the page.
let cluster: Cluster;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let fixture: Server;
let fixtureUrl: string;
/** Every path and query the fixture site was asked for. */
const fixtureRequests: string[] = [];
const owner = createCookieClient();

const webUrl = (index: number) => cluster.webs[index]!.url!;
const password = "open sesame";

beforeAll(async () => {
  fixture = createServer((request, response) => {
    fixtureRequests.push(request.url ?? "");
    const path = new URL(request.url ?? "/", "http://fixture").pathname;
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    response.end(`<!doctype html><html><head><title>Fixture ${path}</title></head><body><h1>Fixture page ${path}</h1></body></html>`);
  });
  await new Promise<void>((resolve) => fixture.listen(0, "127.0.0.1", resolve));
  fixtureUrl = `http://127.0.0.1:${(fixture.address() as AddressInfo).port}`;

  // One after the other, chromium first: a setup that fails half-way leaves each started thing assigned, for afterAll to stop.
  browser = await launchBrowser();
  cluster = await startCluster({ web: 2, workers: 1, env: { METADATA_FETCH_ALLOW_LOOPBACK: "true" } });
  // The sign-up page is not part of this page: the account is made over the API, and its cookie handed to the browser.
  await owner.api(webUrl(0)).auth.signUp.mutate({ email: "links-owner@example.com", password: "correct horse battery" });
  expect(owner.cookie).toBeTruthy();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  context.setDefaultTimeout(10_000); // a step that cannot happen fails with its own message, not the test's timeout
  await context.addCookies([{ name: "hop_session", value: owner.cookie!, url: webUrl(0) }]);
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: webUrl(0) });
  page = await context.newPage();
}, 120_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await cluster?.stop();
  await new Promise((resolve) => fixture?.close(resolve));
});

const row = (slug: string) => page.locator(`[data-testid="link-row"][data-slug="${slug}"]`);
const rows = () => page.getByTestId("link-row");
const dialog = () => page.getByRole("dialog");
// The notices themselves (Radix also repeats their text in a screen-reader announcement for a moment).
const toasts = () => page.locator('[data-slot="toast"]');

/** `<input type="datetime-local">`'s value for a time, in the browser's (and this process's) time zone. */
function dateTimeLocal(date: Date): string {
  const pad = (value: number) => String(value).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

async function expectFieldError(field: Locator, errorId: string, message: RegExp) {
  const error = page.locator(`#${errorId}`);
  await error.waitFor({ state: "visible" });
  expect(await error.textContent()).toMatch(message);
  expect(await field.getAttribute("aria-invalid")).toBe("true");
  expect(await field.getAttribute("aria-describedby")).toBe(errorId);
}

/** Resolves once every running CSS transition has ended (colours after a theme switch, bars that grow). */
const transitionsSettled = () =>
  page.evaluate(() =>
    Promise.allSettled(
      document
        .getAnimations()
        .filter((animation) => animation instanceof CSSTransition)
        .map((animation) => animation.finished),
    ),
  );

const isFocused = (locator: Locator) => locator.evaluate((element) => element === document.activeElement);

describe("the links page", () => {
  it("sends a visitor without a session to sign in, and back afterwards", async () => {
    const anonymous = await browser.newContext();
    const response = await anonymous.request.get(`${webUrl(1)}/links`, { maxRedirects: 0 });
    expect(response.status()).toBeGreaterThanOrEqual(300);
    expect(response.status()).toBeLessThan(400);
    expect(response.headers().location).toMatch(/\/signin\?next=%2Flinks$/);
    await anonymous.close();
  });

  it("shows one heading and the empty state for a new account", async () => {
    await page.goto(`${webUrl(0)}/links`);
    await page.getByTestId("links-empty").waitFor({ state: "visible" });
    expect(await page.locator("h1").allTextContents()).toEqual(["Links"]);
    expect(await page.getByTestId("links-empty").textContent()).toMatch(/No links yet/);
    await saveScreenshot(page, "links-empty");
  });

  it("creates a link with every option through the dialog, with client and server field errors on the way", async () => {
    // Another link takes the slug "taken", and gives the tag filter something to tell apart.
    await owner.api(webUrl(0)).links.create.mutate({ url: `${fixtureUrl}/other`, slug: "taken", tags: ["other"] });
    await page.reload();
    await row("taken").waitFor({ state: "visible" });

    await page.getByRole("button", { name: "Create link" }).first().click();
    await dialog().waitFor({ state: "visible" });
    const url = page.locator("#link-url");
    const slug = page.locator("#link-slug");

    // The shared schema refuses these before anything is sent, and focus goes to the first bad field.
    await url.fill("not a url");
    await slug.fill("api");
    await page.getByRole("button", { name: "Create link" }).last().click();
    await expectFieldError(url, "link-url-error", /full URL/);
    await expectFieldError(slug, "link-slug-error", /reserved/);
    expect(await isFocused(url)).toBe(true);
    await saveScreenshot(page, "links-dialog-client-errors");

    // Only the server knows the slug is taken: its field error lands on the slug box.
    await url.fill(`${fixtureUrl}/landing?ref=hop`);
    await slug.fill("taken");
    await page.getByRole("button", { name: "Create link" }).last().click();
    await expectFieldError(slug, "link-slug-error", /already taken/);
    expect(await url.getAttribute("aria-invalid")).toBeNull();
    expect(await isFocused(slug)).toBe(true);
    await saveScreenshot(page, "links-dialog-server-error");

    await slug.fill("spring-sale");
    await page.locator("#link-title").fill("Spring sale");
    const tagInput = page.locator("#link-tags");
    await tagInput.fill("promo");
    await tagInput.press("Enter");
    await tagInput.fill("spring");
    await page.getByRole("button", { name: "Add", exact: true }).click();
    expect(await dialog().getByRole("list", { name: "Tags of this link" }).textContent()).toMatch(/promo.*spring/);
    // A tag added by mistake comes off again.
    await tagInput.fill("oops");
    await tagInput.press("Enter");
    await page.getByRole("button", { name: "Remove tag oops" }).click();
    expect(await dialog().getByRole("list", { name: "Tags of this link" }).textContent()).not.toMatch(/oops/);

    // Expiry, password, redirect status and UTM wait under "More options".
    await dialog()
      .getByRole("button", { name: /More options/ })
      .click();
    await page.locator("#link-expires-at").fill(dateTimeLocal(new Date(Date.now() + 3 * 24 * 3600_000)));
    await page.locator("#link-expired-url").fill(`${fixtureUrl}/ended`);
    await page.locator("#link-password").fill(password);
    await page.locator("#link-redirect-status").selectOption("307");
    expect(await page.locator("#link-redirect-status-hint").textContent()).toMatch(/keeps the request method/);
    await page.locator("#link-redirect-status").selectOption("301");
    expect(await page.locator("#link-redirect-status-hint").textContent()).toMatch(/cache/);
    await page.locator("#link-redirect-status").selectOption("307");
    for (const [key, value] of Object.entries({ source: "newsletter", medium: "email", campaign: "spring", term: "shoes", content: "header" })) {
      await page.locator(`#link-utm-${key}`).fill(value);
    }
    const preview = new URL((await page.getByTestId("utm-preview").textContent()) ?? "");
    expect(Object.fromEntries(preview.searchParams)).toEqual({
      ref: "hop",
      utm_source: "newsletter",
      utm_medium: "email",
      utm_campaign: "spring",
      utm_term: "shoes",
      utm_content: "header",
    });
    await saveScreenshot(page, "links-dialog-filled");

    await page.getByRole("button", { name: "Create link" }).last().click();
    const created = page.getByTestId("created-short-url");
    await created.waitFor({ state: "visible" });
    const shortUrl = (await created.textContent()) ?? "";
    // Without SHORT_LINK_BASE_URL, short links name the origin the browser used (not the address the server listens on).
    expect(shortUrl).toBe(`${webUrl(0)}/spring-sale`);

    // Copied, and said so.
    await dialog().getByRole("button", { name: "Copy short link" }).click();
    await dialog().getByText("Copied", { exact: true }).waitFor({ state: "visible" });
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(shortUrl);
    await saveScreenshot(page, "links-created");
    await page.getByRole("button", { name: "Done" }).click();
    await dialog().waitFor({ state: "hidden" });

    const link = row("spring-sale");
    await link.waitFor({ state: "visible" });
    const text = (await link.textContent()) ?? "";
    expect(text).toMatch(/Password/);
    expect(text).toMatch(/Expires/);
    expect(text).toMatch(/307/);
    expect(text).toMatch(/promo/);
    expect(text).toMatch(/spring/);
    expect(text).toMatch(/Spring sale/);
    expect(await page.getByTestId("links-count").textContent()).toMatch(/2 of 2 links/);
    await saveScreenshot(page, "links-table");
  });

  it("copies a short link from the table", async () => {
    await page.evaluate(() => navigator.clipboard.writeText("something else"));
    await row("taken")
      .getByRole("button", { name: /^Copy / })
      .click();
    await row("taken").getByText("Copied", { exact: true }).waitFor({ state: "visible" });
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(await row("taken").getByTestId("short-url").getAttribute("href"));
    expect(await row("taken").getByTestId("short-url").getAttribute("href")).toMatch(/\/taken$/);
  });

  it("asks the other instance's visitor for the password, then lands on the target with the UTM parameters", async () => {
    const visitor = await context.newPage();
    await visitor.goto(`${webUrl(1)}/spring-sale`);
    await visitor.getByRole("heading", { name: "This link is protected" }).waitFor({ state: "visible" });
    await visitor.locator("#password").fill("wrong guess");
    await visitor.getByRole("button", { name: "Continue" }).click();
    await visitor.getByText("That password is not right").waitFor({ state: "visible" });
    await visitor.locator("#password").fill(password);
    await visitor.getByRole("button", { name: "Continue" }).click();
    await visitor.waitForURL((url) => url.pathname === "/landing");
    const landed = new URL(visitor.url());
    expect(landed.origin).toBe(fixtureUrl);
    expect(Object.fromEntries(landed.searchParams)).toEqual({
      ref: "hop",
      utm_source: "newsletter",
      utm_medium: "email",
      utm_campaign: "spring",
      utm_term: "shoes",
      utm_content: "header",
    });
    expect(await visitor.locator("h1").textContent()).toBe("Fixture page /landing");

    // The status chosen in the dialog is the one the redirect answers with.
    const response = await context.request.get(`${webUrl(1)}/spring-sale`, { maxRedirects: 0 });
    expect(response.status()).toBe(307);
    await visitor.close();
  });

  it("edits the target through the dialog, and the redirect follows at once", async () => {
    await row("spring-sale").getByRole("button", { name: "Edit spring-sale" }).click();
    await dialog().waitFor({ state: "visible" });
    expect(await page.locator("#link-url").inputValue()).toBe(`${fixtureUrl}/landing?ref=hop`);
    expect(await page.locator("#link-password-mode").inputValue()).toBe("keep");
    expect(await page.locator("#link-redirect-status").inputValue()).toBe("307");
    await page.locator("#link-url").fill(`${fixtureUrl}/changed`);
    await page.getByRole("button", { name: "Save changes" }).click();
    await dialog().waitFor({ state: "hidden" });
    await expect.poll(() => row("spring-sale").getByTestId("destination").first().textContent()).toMatch(/\/changed\?utm_source=newsletter/);

    const response = await context.request.get(`${webUrl(1)}/spring-sale`, { maxRedirects: 0 });
    expect(response.status()).toBe(307);
    const location = new URL(response.headers().location ?? "");
    expect(location.pathname).toBe("/changed");
    expect(location.searchParams.get("utm_campaign")).toBe("spring");
  });

  it("changes the password, then removes it, through the dialog", async () => {
    const shortLink = `${webUrl(1)}/spring-sale`;
    const stranger = await browser.newContext();

    await row("spring-sale").getByRole("button", { name: "Edit spring-sale" }).click();
    await page.locator("#link-password-mode").selectOption("change");
    // Changing to nothing is refused by the shared schema, on the new-password box.
    await page.getByRole("button", { name: "Save changes" }).click();
    await expectFieldError(page.locator("#link-password"), "link-password-error", /at least 4/);
    expect(await isFocused(page.locator("#link-password"))).toBe(true);
    await page.locator("#link-password").fill("second secret");
    await page.getByRole("button", { name: "Save changes" }).click();
    await dialog().waitFor({ state: "hidden" });
    // A new password closes the link again, even for this browser that had unlocked it.
    await expect.poll(async () => (await context.request.get(shortLink, { maxRedirects: 0 })).status()).not.toBe(307);
    expect(await (await context.request.get(shortLink, { maxRedirects: 0 })).text()).toMatch(/This link is protected/);

    await row("spring-sale").getByRole("button", { name: "Edit spring-sale" }).click();
    await page.locator("#link-password-mode").selectOption("remove");
    await page.getByRole("button", { name: "Save changes" }).click();
    await dialog().waitFor({ state: "hidden" });
    await expect.poll(async () => (await row("spring-sale").textContent()) ?? "").not.toMatch(/Password/);
    expect((await stranger.request.get(shortLink, { maxRedirects: 0 })).status()).toBe(307);
    await stranger.close();
  });

  it("narrows the table by search and by tag, keeping both in the address", async () => {
    const search = page.getByLabel("Search");
    await search.fill("spring");
    await page.waitForURL((url) => url.searchParams.get("q") === "spring");
    await expect.poll(() => rows().count()).toBe(1);
    await row("spring-sale").waitFor({ state: "visible" });

    // A reload keeps the search.
    await page.reload();
    await row("spring-sale").waitFor({ state: "visible" });
    expect(await page.getByLabel("Search").inputValue()).toBe("spring");
    expect(await rows().count()).toBe(1);

    await page.getByRole("button", { name: "Clear filters" }).first().click();
    await expect.poll(() => rows().count()).toBe(2);

    await page.locator("#links-tag").selectOption("other");
    await page.waitForURL((url) => url.searchParams.get("tag") === "other");
    await expect.poll(() => rows().count()).toBe(1);
    await row("taken").waitFor({ state: "visible" });

    await page.locator("#links-sort").selectOption("slug");
    await page.waitForURL((url) => url.searchParams.get("sort") === "slug" && url.searchParams.get("tag") === "other");
    await page.locator("#links-tag").selectOption("");

    await page.getByLabel("Search").fill("no-such-link-anywhere");
    await page.getByTestId("links-no-match").waitFor({ state: "visible" });
    expect(await page.getByTestId("links-no-match").textContent()).toMatch(/Nothing matches your search/);
    await saveScreenshot(page, "links-no-match");
    await page.getByRole("button", { name: "Clear filters" }).first().click();
    await expect.poll(() => rows().count()).toBe(2);
    // Sorted by slug, as the address still says.
    expect(await rows().evaluateAll((elements) => elements.map((element) => element.getAttribute("data-slug")))).toEqual(["spring-sale", "taken"]);
  });

  it("fits a 390 px wide phone", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await row("spring-sale").waitFor({ state: "visible" });
    await saveScreenshot(page, "links-mobile");
    const wide = await page.evaluate(() =>
      [...document.querySelectorAll("body *")]
        .filter((element) => element.getBoundingClientRect().right > 391 && !element.closest("[data-slot=table-container]"))
        .map((element) => `${element.tagName}.${element.className}`.slice(0, 120)),
    );
    expect(wide).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    // The row's actions are on screen without scrolling sideways.
    const box = await row("spring-sale").getByRole("button", { name: "Delete spring-sale" }).boundingBox();
    expect(box).not.toBeNull();
    expect(box!.x + box!.width).toBeLessThanOrEqual(390);

    // The dialog fits too, and Escape closes it.
    await page.getByRole("button", { name: "Create link" }).first().click();
    await dialog().waitFor({ state: "visible" });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await saveScreenshot(page, "links-mobile-dialog");
    await page.keyboard.press("Escape");
    await dialog().waitFor({ state: "hidden" });
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it("follows the system's dark theme, with the text still readable", async () => {
    const lightness = () =>
      page.evaluate(() => {
        // Computed colours may come back as oklch(); a 1x1 canvas turns any CSS colour into sRGB.
        const luminance = (color: string) => {
          const context = document.createElement("canvas").getContext("2d")!;
          context.fillStyle = color;
          context.fillRect(0, 0, 1, 1);
          const [r, g, b] = context.getImageData(0, 0, 1, 1).data;
          return (0.2126 * r! + 0.7152 * g! + 0.0722 * b!) / 255;
        };
        const title = document.querySelector("h1")!;
        return { background: luminance(getComputedStyle(document.body).backgroundColor), heading: luminance(getComputedStyle(title).color) };
      });
    const light = await lightness();
    await page.emulateMedia({ colorScheme: "dark" });
    try {
      await row("spring-sale").waitFor({ state: "visible" });
      // Colours change with a short transition: measure and picture the settled page.
      await transitionsSettled();
      const dark = await lightness();
      await saveScreenshot(page, "links-dark");
      expect(light.background).toBeGreaterThan(0.9);
      expect(dark.background).toBeLessThan(0.2);
      // Light text on the dark page, well apart from its background.
      expect(dark.heading - dark.background).toBeGreaterThan(0.6);
    } finally {
      await page.emulateMedia({ colorScheme: "light" });
    }
  });

  it("draws the QR code and downloads it as SVG and PNG", async () => {
    await row("spring-sale").getByRole("button", { name: "QR code for spring-sale" }).click();
    await page.getByTestId("qr-image").waitFor({ state: "visible" });
    await saveScreenshot(page, "links-qr");

    const [svgDownload] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download SVG" }).click()]);
    expect(svgDownload.suggestedFilename()).toBe("hop-spring-sale.svg");
    const svg = await readFile(await svgDownload.path());
    expect(svg.toString("utf8")).toMatch(/^(<\?xml|<svg)/);

    const [pngDownload] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download PNG" }).click()]);
    expect(pngDownload.suggestedFilename()).toBe("hop-spring-sale.png");
    const png = await readFile(await pngDownload.path());
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

    await page.keyboard.press("Escape");
    await dialog().waitFor({ state: "hidden" });
    // Focus is back on the button that opened it.
    await expect.poll(() => isFocused(row("spring-sale").getByRole("button", { name: "QR code for spring-sale" }))).toBe(true);
  });

  it("shows a link's analytics, and clicks made meanwhile arrive by themselves", async () => {
    const { id } = await owner.api(webUrl(0)).links.create.mutate({ url: `${fixtureUrl}/stats`, slug: "stats-demo" });
    const tableAddress = page.url();
    try {
      await page.goto(`${webUrl(0)}/links?q=stats-demo`);
      await row("stats-demo").getByRole("link", { name: "Stats of stats-demo", exact: true }).click();
      await page.waitForURL((url) => url.pathname === `/links/${id}`);
      await page.getByRole("heading", { level: 1, name: "/stats-demo" }).waitFor();
      await expect.poll(() => page.getByTestId("total-clicks").textContent()).toBe("0");
      await page.getByText("No clicks in this period yet").waitFor();
      await page.locator('[data-testid="live-status"][data-status="live"]').waitFor();

      // Three visitors (three browsers: a visitor is address + user agent) and a crawler follow the link
      // through the other instance; the worker counts them and the page hears of it (no polling).
      const browser = (version: number) => `Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${version}.0 Safari/537.36`;
      for (const userAgent of [browser(138), browser(139), browser(140), "Googlebot/2.1 (+http://www.google.com/bot.html)"]) {
        const response = await fetch(`${webUrl(1)}/stats-demo`, { redirect: "manual", headers: { "user-agent": userAgent } });
        expect(response.status).toBe(302);
      }
      await expect.poll(() => page.getByTestId("total-clicks").textContent(), { timeout: 20_000 }).toBe("3");
      await expect.poll(() => page.getByTestId("total-all-time").textContent()).toBe("3");
      expect(await page.getByTestId("timeseries-chart").getAttribute("aria-label")).toMatch(/3 in all/);
      await transitionsSettled();
      await saveScreenshot(page, "link-stats");

      // The crawler is recorded, and counted only when asked.
      await page.getByLabel("Include bots").click();
      await expect.poll(() => page.getByTestId("total-clicks").textContent()).toBe("4");
      await page.getByRole("button", { name: "Last 7 days" }).click();
      await expect.poll(() => new URL(page.url()).searchParams.get("period")).toBe("7d");
      expect(await page.getByRole("button", { name: "Last 7 days" }).getAttribute("aria-pressed")).toBe("true");
      expect(new URL(page.url()).searchParams.get("bots")).toBe("1");

      await page.goto(`${webUrl(0)}/links/no-such-link`);
      await page.getByRole("heading", { name: "This link does not exist" }).waitFor();
    } finally {
      // The tests below count the table's rows in its current order: leave it as it was.
      await owner.api(webUrl(0)).links.delete.mutate({ id });
      await page.goto(tableAddress);
    }
  });

  it("deletes after confirming, undoes, and deletes again", async () => {
    const shortLink = `${webUrl(1)}/spring-sale`;
    const deleteButton = () => row("spring-sale").getByRole("button", { name: "Delete spring-sale" });

    // Cancelling changes nothing.
    await deleteButton().click();
    await page.getByRole("alertdialog").waitFor({ state: "visible" });
    await page.keyboard.press("Escape");
    await page.getByRole("alertdialog").waitFor({ state: "hidden" });
    await row("spring-sale").waitFor({ state: "visible" });

    await deleteButton().click();
    await page.getByRole("button", { name: "Delete link" }).click();
    await toasts().getByText("Link deleted").waitFor({ state: "visible" });
    await row("spring-sale").waitFor({ state: "detached" });
    expect((await context.request.get(shortLink, { maxRedirects: 0 })).status()).toBe(404);
    await saveScreenshot(page, "links-deleted-toast");

    await toasts().getByRole("button", { name: "Undo" }).click();
    await toasts().getByText("Link restored").waitFor({ state: "visible" });
    await row("spring-sale").waitFor({ state: "visible" });
    expect((await context.request.get(shortLink, { maxRedirects: 0 })).status()).toBe(307);

    await deleteButton().click();
    await page.getByRole("button", { name: "Delete link" }).click();
    await row("spring-sale").waitFor({ state: "detached" });
    expect(await rows().count()).toBe(1);
    expect((await context.request.get(shortLink, { maxRedirects: 0 })).status()).toBe(404);
    expect(fixtureRequests.some((request) => request.startsWith("/landing?ref=hop&utm_source=newsletter"))).toBe(true);
  });

  it("pages through many links with Load more, showing the total", async () => {
    for (let index = 1; index <= 24; index++) {
      await owner.api(webUrl(0)).links.create.mutate({ url: `${fixtureUrl}/page/${index}`, slug: `page-${String(index).padStart(2, "0")}` });
    }
    await page.reload();
    // A full reload under load (2 cores shared by several clusters) may take more than expect.poll's default second.
    await expect.poll(() => rows().count(), { timeout: 10_000 }).toBe(20);
    expect(await page.getByTestId("links-count").textContent()).toMatch(/Showing 20 of 25 links/);
    await page.getByRole("button", { name: "Load more" }).click();
    await expect.poll(() => rows().count()).toBe(25);
    expect(await page.getByTestId("links-count").textContent()).toMatch(/Showing 25 of 25 links/);
    expect(await page.getByRole("button", { name: "Load more" }).count()).toBe(0);
    // Sorted by slug, every link once.
    const slugs = await rows().evaluateAll((elements) => elements.map((element) => element.getAttribute("data-slug")));
    expect(slugs).toEqual([...Array.from({ length: 24 }, (_, index) => `page-${String(index + 1).padStart(2, "0")}`), "taken"]);
  });

  it("says when the links cannot be loaded, and tries again", async () => {
    const listCall = /\/api\/trpc\/[^?]*links\.list/;
    await page.route(listCall, (route) => route.fulfill({ status: 503, contentType: "text/plain", body: "upstream unavailable" }));
    await page.reload();
    const error = page.getByRole("alert").filter({ hasText: "Your links could not be loaded" });
    await error.waitFor({ state: "visible", timeout: 20_000 });
    await saveScreenshot(page, "links-error");
    await page.unroute(listCall);
    await error.getByRole("button", { name: "Try again" }).click();
    await expect.poll(() => rows().count(), { timeout: 10_000 }).toBe(20);
  });
});
