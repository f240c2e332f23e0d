// The callbacks of page.evaluate() run in the browser, with its globals.
/// <reference lib="dom" />
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, saveScreenshot } from "../support/browser";
import { clusterOperatorEmail, startCluster, type Cluster } from "../support/cluster";

// Issue 12: nothing is cut off. Every signed-in page, at a laptop's, a
// desktop's and a phone's width, fits its window (no sideways scroll), and
// every action of every links-table row is inside its row and the window.
let cluster: Cluster;
let browser: Browser;
let context: BrowserContext;
let linkId: string;
/** A link without a title: its stats page has only the destination to describe it. */
let untitledId: string;

const widths = [
  { name: "1280", width: 1280, height: 800 },
  { name: "1440", width: 1440, height: 900 },
  { name: "390", width: 390, height: 844 },
] as const;

const webUrl = () => cluster.webs[0]!.url!;

beforeAll(async () => {
  // One after the other, chromium first: a setup that fails half-way leaves each started thing assigned, for afterAll to stop.
  browser = await launchBrowser();
  cluster = await startCluster({ web: 1, workers: 1 });
  const api = cluster.operatorApi(cluster.webs[0]!);
  // Rows as a real account has them: long destinations and titles, tags, every status badge.
  const long = `https://shop.example.com/collections/spring/${"very-long-path-segment/".repeat(6)}?utm_source=newsletter&utm_campaign=spring`;
  const first = await api.links.create.mutate({
    url: long,
    slug: "spring-sale",
    title: "The spring sale, everything at half price, this week only",
    tags: ["promo", "spring-newsletter-subscribers-eu", "newsletter"],
    password: "open sesame",
    expiresAt: new Date(Date.now() + 7 * 86_400_000),
    redirectStatus: 308,
  });
  linkId = first.id;
  untitledId = (await api.links.create.mutate({ url: "https://example.com/untitled", slug: "a-rather-long-custom-slug-that-someone-typed-in-full" })).id;
  await api.links.create.mutate({ url: "https://example.org/about" });
  const cookie = await cluster.signIn(clusterOperatorEmail);
  context = await browser.newContext();
  context.setDefaultTimeout(10_000);
  await context.addCookies([{ name: "hop_session", value: cookie, url: webUrl(), httpOnly: true, sameSite: "Lax" }]);
}, 120_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await cluster?.stop();
});

/** How far the page reaches past the window's right edge (0 when it fits). */
const sidewaysOverflow = (page: Page) => page.evaluate(() => document.scrollingElement!.scrollWidth - window.innerWidth);

/**
 * Every row action that is not fully visible: outside its row's box, outside
 * the window, or clipped by a scrolling or overflow-hidden ancestor.
 */
const hiddenRowActions = (page: Page) =>
  page.evaluate(() => {
    const hidden: string[] = [];
    for (const row of document.querySelectorAll<HTMLElement>('[data-testid="link-row"]')) {
      const rowBox = row.getBoundingClientRect();
      for (const action of row.querySelectorAll<HTMLElement>("td:last-child a, td:last-child button")) {
        const box = action.getBoundingClientRect();
        const name = action.getAttribute("aria-label") ?? action.textContent ?? "?";
        const inside = (outer: DOMRect) =>
          box.left >= outer.left - 0.5 && box.right <= outer.right + 0.5 && box.top >= outer.top - 0.5 && box.bottom <= outer.bottom + 0.5;
        if (box.width === 0 || box.height === 0) hidden.push(`${name}: not drawn`);
        else if (!inside(rowBox)) hidden.push(`${name}: outside its row`);
        else if (box.left < 0 || box.right > window.innerWidth) hidden.push(`${name}: outside the window`);
        else {
          for (let ancestor = action.parentElement; ancestor; ancestor = ancestor.parentElement) {
            const style = getComputedStyle(ancestor);
            if (style.overflowX !== "visible" && !inside(ancestor.getBoundingClientRect())) {
              hidden.push(`${name}: clipped by ${ancestor.tagName.toLowerCase()}.${ancestor.className}`);
              break;
            }
          }
        }
      }
    }
    return hidden;
  });

describe.each(widths)("at $name px", ({ name, width, height }) => {
  it("no page scrolls sideways, and every row action is visible", async () => {
    const page = await context.newPage();
    await page.setViewportSize({ width, height });
    try {
      await page.goto(`${webUrl()}/links`);
      await page.locator('[data-testid="link-row"]').first().waitFor({ state: "visible" });
      expect(await page.locator('[data-testid="link-row"]').count()).toBe(3);
      await saveScreenshot(page, `layout-links-${name}`);
      expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
      expect(await hiddenRowActions(page)).toEqual([]);

      await page.goto(`${webUrl()}/links/${linkId}`);
      await page.getByTestId("total-all-time").waitFor({ state: "visible" });
      // The cards loaded, as someone reading the numbers has them.
      await page.getByTestId("timeseries-chart").waitFor({ state: "visible" });
      await page.getByTestId("card-tech").getByText("No clicks here yet").or(page.getByTestId("card-tech").getByTestId("top-row").first()).waitFor();
      await saveScreenshot(page, `layout-stats-${name}`);
      expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);

      await page.goto(`${webUrl()}/account`);
      await page.getByTestId("sessions-list").waitFor({ state: "visible" });
      await saveScreenshot(page, `layout-account-${name}`);
      expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);

      await page.goto(`${webUrl()}/system`);
      await page.getByTestId("instance-row").first().waitFor({ state: "visible" });
      await saveScreenshot(page, `layout-system-${name}`);
      expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
    } finally {
      await page.close();
    }
  });
});

describe("the links page and its dialog at 1280 x 800", () => {
  it("offers one Create link on an empty page", async () => {
    const empty = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const cookie = await cluster.signIn("nothing-yet@example.com");
      await empty.addCookies([{ name: "hop_session", value: cookie, url: webUrl(), httpOnly: true, sameSite: "Lax" }]);
      const page = await empty.newPage();
      await page.goto(`${webUrl()}/links`);
      await page.getByTestId("links-empty").waitFor({ state: "visible" });
      await saveScreenshot(page, "layout-links-empty");
      expect(await page.getByRole("button", { name: "Create link" }).count()).toBe(1);
    } finally {
      await empty.close();
    }
  });

  it("shows the short link as its host and /slug, legibly", async () => {
    const page = await context.newPage();
    await page.setViewportSize({ width: 1280, height: 800 });
    try {
      await page.goto(`${webUrl()}/links`);
      const shortUrl = page.locator('[data-testid="link-row"][data-slug="spring-sale"] [data-testid="short-url"]');
      await shortUrl.waitFor({ state: "visible" });
      expect(await shortUrl.textContent()).toBe(`${new URL(webUrl()).host}/spring-sale`);
      // Neither part is cut: each is as wide as its text.
      for (const part of ["short-url-host", "short-url-path"]) {
        expect(await shortUrl.getByTestId(part).evaluate((element) => element.scrollWidth - element.clientWidth)).toBeLessThanOrEqual(0);
      }
    } finally {
      await page.close();
    }
  });

  it("has the submit in view, the advanced options folded away (keyboard opens them), and the origin in front of the slug", async () => {
    const page = await context.newPage();
    await page.setViewportSize({ width: 1280, height: 800 });
    try {
      await page.goto(`${webUrl()}/links`);
      await page.locator('[data-testid="link-row"]').first().waitFor({ state: "visible" });
      expect(await page.getByRole("button", { name: "Create link" }).count()).toBe(1);
      await page.getByRole("button", { name: "Create link" }).click();
      const dialog = page.getByRole("dialog");
      await dialog.waitFor({ state: "visible" });
      await saveScreenshot(page, "layout-link-dialog");

      const submit = dialog.getByRole("button", { name: "Create link" });
      const inView = await submit.evaluate((button) => {
        const box = button.getBoundingClientRect();
        const scroller = button.closest('[role="dialog"]')!;
        return box.bottom <= window.innerHeight && box.top >= 0 && scroller.scrollHeight <= scroller.clientHeight;
      });
      expect(inView).toBe(true);

      const more = dialog.getByRole("button", { name: /More options/ });
      expect(await more.getAttribute("aria-expanded")).toBe("false");
      expect(await page.locator("#link-expires-at").count()).toBe(0);
      await more.focus();
      await page.keyboard.press("Enter");
      expect(await more.getAttribute("aria-expanded")).toBe("true");
      for (const field of ["#link-expires-at", "#link-password", "#link-redirect-status"]) await page.locator(field).waitFor({ state: "visible" });
      await saveScreenshot(page, "layout-link-dialog-more");
      await page.keyboard.press("Space");
      expect(await more.getAttribute("aria-expanded")).toBe("false");

      expect(await dialog.locator('[data-slot="input-prefix"]').textContent()).toBe(`${new URL(webUrl()).host}/`);
      // Words for the person who makes the link, not for whoever runs the servers.
      expect(await dialog.textContent()).not.toMatch(/instance/i);
    } finally {
      await page.close();
    }
  });
});

describe("the stats page", () => {
  it("names the destination once, labels its copy button, and shows unique visitors as a headline number", async () => {
    const page = await context.newPage();
    await page.setViewportSize({ width: 1280, height: 800 });
    try {
      await page.goto(`${webUrl()}/links/${untitledId}`);
      await page.getByTestId("total-all-time").waitFor({ state: "visible" });
      const main = (await page.locator("main").textContent()) ?? "";
      expect(main.split("example.com/untitled").length - 1).toBe(1);
      await page.getByRole("button", { name: "Copy short link" }).waitFor({ state: "visible" });
      expect(await page.getByRole("button", { name: /^Copy$/ }).count()).toBe(0);
      await page.getByTestId("total-unique-visitors").waitFor({ state: "visible" });
      await saveScreenshot(page, "layout-stats-untitled");
    } finally {
      await page.close();
    }
  });
});
