// The callbacks of page.evaluate() run in the browser, with its globals.
/// <reference lib="dom" />
import { readFile } from "node:fs/promises";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, saveScreenshot } from "../support/browser";
import { startCluster, type Cluster } from "../support/cluster";
import { createCookieClient } from "../support/http-session";

// The account page's Exports in Chromium against the production build (two
// webs, one worker): empty at first, an export asked for on one web, its state
// refreshed until the worker has written it, then downloaded from the other
// web: the browser saves the CSV (served gzip-encoded from PostgreSQL).
let cluster: Cluster;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const owner = createCookieClient(() => cluster.signIn("export-owner@example.com"));
const webUrl = (index: number) => cluster.webs[index]!.url!;

beforeAll(async () => {
  browser = await launchBrowser();
  cluster = await startCluster({ web: 2, workers: 1 });
  await owner.api(webUrl(0)).auth.me.query();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  context.setDefaultTimeout(15_000);
  for (const index of [0, 1]) await context.addCookies([{ name: "hop_session", value: owner.cookie!, url: webUrl(index) }]);
  page = await context.newPage();
}, 180_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await cluster?.stop();
});

describe("the account page's exports", () => {
  it("asks for a links export, shows it being prepared, then downloads the file", async () => {
    const api = owner.api(webUrl(0));
    for (const index of [1, 2, 3]) await api.links.create.mutate({ url: `https://exported.example/${index}`, slug: `exp-${index}`, tags: ["kept"] });
    await page.goto(`${webUrl(0)}/account`);
    const card = page.getByTestId("exports-card");
    await card.getByTestId("exports-empty").waitFor({ state: "visible" });
    await card.scrollIntoViewIfNeeded();
    await saveScreenshot(page, "exports-empty");

    await card.getByRole("button", { name: "Prepare links CSV" }).click();
    const row = card.getByTestId("export-row").first();
    await row.waitFor({ state: "visible" });
    await card.locator('[data-testid="export-row"][data-status="READY"]').waitFor({ state: "visible", timeout: 60_000 });
    await card.scrollIntoViewIfNeeded();
    await saveScreenshot(page, "exports-ready");

    // The other web serves the file: it is in PostgreSQL, not on the instance that was asked.
    await page.goto(`${webUrl(1)}/account`);
    const link = page.getByTestId("export-download").first();
    const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
    expect(download.suggestedFilename()).toMatch(/^hop-links-\d{4}-\d{2}-\d{2}\.csv$/);
    const text = await readFile((await download.path())!, "utf8");
    const lines = text.trimEnd().split("\r\n");
    expect(lines[0]).toBe("id,slug,short_url,url,title,tags,total_clicks,created_at_utc,expires_at_utc");
    expect(
      lines
        .slice(1)
        .map((line) => line.split(",")[1])
        .sort(),
    ).toEqual(["exp-1", "exp-2", "exp-3"]);
  }, 120_000);
});
