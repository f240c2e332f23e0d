// The callbacks of page.evaluate() run in the browser, with its globals.
/// <reference lib="dom" />
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, saveScreenshot } from "../support/browser";
import { startCluster, type Cluster } from "../support/cluster";
import { createCookieClient } from "../support/http-session";

// The account page's API keys card in Chromium against two web instances of
// the production build: a key is created with its scopes, copied once (it is
// never shown again), used against the other instance, and revoked, after
// which the other instance refuses it at once.
let cluster: Cluster;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const owner = createCookieClient(() => cluster.signIn("keys-owner@example.com"));
const webUrl = (index: number) => cluster.webs[index]!.url!;

beforeAll(async () => {
  browser = await launchBrowser();
  cluster = await startCluster({ web: 2, workers: 0 });
  await owner.api(webUrl(0)).auth.me.query();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(10_000);
  await context.addCookies([{ name: "hop_session", value: owner.cookie!, url: webUrl(0) }]);
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: webUrl(0) });
  page = await context.newPage();
}, 120_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await cluster?.stop();
});

const listLinks = (key: string) => fetch(`${webUrl(1)}/api/v1/links`, { headers: { authorization: `Bearer ${key}` } });
const card = () => page.getByTestId("api-keys-card");

describe("the API keys card", () => {
  it("creates a key with its scopes, shows it once to copy, and revokes it everywhere at once", async () => {
    await page.goto(`${webUrl(0)}/account`);
    await card().getByText("No API keys yet.").waitFor({ state: "visible" });

    // Nothing chosen: the field messages come from the shared schema, and nothing is created.
    await card().getByLabel("Key name").fill("");
    await card()
      .getByRole("checkbox", { name: /links:read/ })
      .uncheck();
    await card().getByRole("button", { name: "Create key" }).click();
    await card().locator("#api-key-scopes-error").waitFor({ state: "visible" });
    expect(await card().getByLabel("Key name").getAttribute("aria-invalid")).toBe("true");
    await saveScreenshot(page, "api-keys-errors");

    await card().getByLabel("Key name").fill("Newsletter script");
    await card()
      .getByRole("checkbox", { name: /links:read/ })
      .check();
    await card()
      .getByRole("checkbox", { name: /links:write/ })
      .check();
    await card().getByRole("button", { name: "Create key" }).click();
    const shown = card().getByTestId("new-api-key-value");
    await shown.waitFor({ state: "visible" });
    const key = (await shown.textContent())!.trim();
    expect(key).toMatch(/^hop_[A-Za-z0-9_-]{43}$/);
    await card().getByRole("button", { name: "Copy key" }).click();
    await card().getByText("Copied", { exact: true }).waitFor({ state: "visible" });
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);
    const row = card().getByTestId("api-key-row").filter({ hasText: "Newsletter script" });
    await row.waitFor({ state: "visible" });
    expect(await row.textContent()).toContain(key.slice(0, 8));
    expect(await row.textContent()).toContain("links:write");
    expect(await row.textContent()).toContain("never used");
    await saveScreenshot(page, "api-keys-created");

    // The key works, on the other instance, for what its scopes allow.
    expect((await listLinks(key)).status).toBe(200);

    // Dismissed, it is gone for good: not in the page, not after a reload.
    await card().getByRole("button", { name: "I have copied it" }).click();
    await shown.waitFor({ state: "detached" });
    await page.reload();
    await row.waitFor({ state: "visible" });
    expect(await page.content()).not.toContain(key);
    expect(await row.textContent()).toMatch(/last used/);

    // Narrow screens: the card fits without sideways scrolling.
    await page.setViewportSize({ width: 390, height: 844 });
    await row.scrollIntoViewIfNeeded();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await saveScreenshot(page, "api-keys-narrow");
    await page.setViewportSize({ width: 1280, height: 900 });

    // Revoked from the keyboard, through the confirmation dialog.
    await row.getByRole("button", { name: "Revoke Newsletter script" }).focus();
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("alertdialog");
    await dialog.waitFor({ state: "visible" });
    await saveScreenshot(page, "api-keys-revoke-dialog");
    await dialog.getByRole("button", { name: "Revoke key" }).click();
    await row.waitFor({ state: "detached" });
    await card().getByText("No API keys yet.").waitFor({ state: "visible" });
    const refused = await listLinks(key);
    expect(refused.status).toBe(401);
  });

  it("the API reference at /docs/api renders the OpenAPI document with nothing fetched from another origin", async () => {
    const reference = await context.newPage();
    const foreign: string[] = [];
    reference.on("request", (request) => {
      if (!request.url().startsWith(webUrl(1)) && !request.url().startsWith("data:") && !request.url().startsWith("blob:")) foreign.push(request.url());
    });
    await reference.goto(`${webUrl(1)}/docs/api`);
    await reference.getByText("Hop API").first().waitFor({ state: "visible", timeout: 30_000 });
    // The operations are listed by their summaries (from the procedures' meta); the first group is open.
    await reference.getByText("Clicks per hour, day or month on the viewer's clock").first().waitFor({ state: "visible" });
    await reference.getByText("Open Group - links").first().waitFor({ state: "attached" });
    // Scalar's hosted extras are configured off.
    expect(await reference.getByText("Ask AI").count()).toBe(0);
    await saveScreenshot(reference, "api-reference");
    expect(foreign).toEqual([]);
    await reference.close();
  }, 60_000);
});
