// The callbacks of page.evaluate() run in the browser, with its globals.
/// <reference lib="dom" />
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, saveScreenshot } from "../support/browser";
import { startCluster, type Cluster } from "../support/cluster";

// Issue 12: a new user's first hour, as the README's "Your first link" tells it, at a laptop's and a phone's width:
// sign up, create a link, follow it, see the click on its stats page, open the account page. Every page fits its
// window (no sideways scroll); screenshots of each step are saved to be looked at.
let cluster: Cluster | undefined;
let browser: Browser | undefined;

beforeAll(async () => {
  // One after the other: a setup that fails half-way leaves each started thing assigned, for afterAll to stop.
  browser = await launchBrowser();
  cluster = await startCluster({ web: 1, workers: 1 });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await cluster?.stop();
});

/** How far the page reaches past the window's right edge (0 when it fits). */
const sidewaysOverflow = (page: Page) => page.evaluate(() => document.scrollingElement!.scrollWidth - window.innerWidth);

describe.each([
  { name: "1280", width: 1280, height: 800 },
  { name: "390", width: 390, height: 844 },
])("the first hour at $name px", ({ name, width, height }) => {
  it("signs up, creates a link, follows it, sees the click, and opens the account page", async () => {
    if (!browser || !cluster) throw new Error("setup failed");
    const web = cluster.webs[0]?.url;
    if (!web) throw new Error("no web instance");
    const context = await browser.newContext({ viewport: { width, height } });
    context.setDefaultTimeout(20_000);
    try {
      const page = await context.newPage();
      const step = async (shot: string) => {
        expect(await sidewaysOverflow(page), `${shot} scrolls sideways`).toBe(0);
        await saveScreenshot(page, `first-hour-${name}-${shot}`);
      };

      // 1. Sign up.
      await page.goto(web);
      await step("home");
      await page.goto(`${web}/signup`);
      await page.getByLabel("Email").fill(`first-${name}@example.com`);
      await page.getByLabel("Password", { exact: true }).fill("a good long passphrase");
      await page.getByRole("button", { name: "Sign up" }).click();
      await page.waitForURL((url) => url.pathname === "/links");
      await page.getByTestId("links-empty").waitFor();
      await step("links-empty");

      // 2. Create a link: the destination is all it needs.
      await page.getByRole("button", { name: "Create link" }).first().click();
      await page.getByRole("dialog").waitFor();
      await page.locator("#link-url").fill("https://example.com/first-hour");
      await step("create-dialog");
      await page.getByRole("dialog").getByRole("button", { name: "Create link" }).click();
      // The dialog then shows the new short link, to copy.
      await page.getByTestId("created-short-url").waitFor();
      await step("created");
      await page.getByRole("button", { name: "Done" }).click();
      await page.getByRole("dialog").waitFor({ state: "hidden" });
      const slug = await page.getByTestId("link-row").first().getAttribute("data-slug");
      if (!slug) throw new Error("no link row");
      await step("links-one");

      // 3. Follow the short link (a visitor's browser; its target is not fetched: nothing here reaches the internet),
      // then its stats page shows the click.
      const visitor = { "user-agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Safari/537.36" };
      expect((await fetch(`${web}/${slug}`, { redirect: "manual", headers: visitor })).status).toBe(302);
      await page
        .getByRole("link", { name: `Stats of ${slug}`, exact: true })
        .first()
        .click();
      await page.getByRole("heading", { level: 1, name: `/${slug}` }).waitFor();
      await expect.poll(() => page.getByTestId("total-clicks").textContent(), { timeout: 20_000 }).toBe("1");
      await step("stats");

      await page.goto(`${web}/account`);
      await page.getByRole("heading", { level: 1, name: "Account" }).waitFor();
      await page.getByTestId("sessions-list").waitFor();
      await step("account");
    } finally {
      await context.close();
    }
  }, 120_000);
});
