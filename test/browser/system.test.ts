import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, saveScreenshot } from "../support/browser";
import { startCluster, type Cluster } from "../support/cluster";

// The landing page and /system in Chromium, against two web and two worker
// processes of the production build.
let cluster: Cluster;
let browser: Browser;

beforeAll(async () => {
  // One after the other, chromium first: a setup that fails half-way leaves each started thing assigned, for afterAll to stop.
  browser = await launchBrowser();
  cluster = await startCluster({ web: 2, workers: 2 });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await cluster?.stop();
});

describe("in a browser", () => {
  it("shows the landing page, with a way to the system status", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(cluster.webs[0]!.url!);
    await page.locator("h1").first().waitFor({ state: "visible" });
    expect(await page.title()).toMatch(/Hop/);
    await page.getByRole("link", { name: /system/i }).first().waitFor({ state: "visible" });
    await saveScreenshot(page, "landing-desktop");
    await page.setViewportSize({ width: 390, height: 844 });
    await saveScreenshot(page, "landing-mobile");
    await page.close();
  });

  it("lists every live process on /system, refreshing by itself", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${cluster.webs[1]!.url}/system`);
    const rows = page.getByTestId("instance-row");
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(4);
    const ids = await rows.evaluateAll((elements) => elements.map((element) => element.getAttribute("data-instance-id")));
    expect(ids.sort()).toEqual([...cluster.webs, ...cluster.workers].map((process) => process.instanceId).sort());
    expect(await page.getByTestId("queue-failed").textContent()).toMatch(/\b0\b/);
    await saveScreenshot(page, "system-desktop");

    // A new worker appears without a reload.
    const extra = await cluster.addWorker();
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(5);
    await page.locator(`[data-instance-id="${extra.instanceId}"]`).waitFor({ state: "visible" });

    // A test job goes through the queue and its timeline shows who ran it.
    await page.getByRole("button", { name: "Send test job" }).click();
    const timeline = page.getByTestId("probe-timeline");
    await expect.poll(async () => (await timeline.textContent()) ?? "", { timeout: 15_000 }).toMatch(/finished/i);
    await saveScreenshot(page, "system-probe");

    await page.setViewportSize({ width: 390, height: 844 });
    await saveScreenshot(page, "system-mobile");
    await page.close();
  });
});
