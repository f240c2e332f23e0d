import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, saveScreenshot } from "../support/browser";
import { clusterOperatorEmail, startCluster, type Cluster } from "../support/cluster";

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

/** A browser context signed in as `email` (the session made through the API, then its cookie handed to the browser). */
async function signedInContext(email: string): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const cookie = await cluster.signIn(email);
  await context.addCookies(cluster.webs.map((web) => ({ name: "hop_session", value: cookie, url: web.url!, httpOnly: true, sameSite: "Lax" as const })));
  return context;
}

describe("in a browser", () => {
  it("shows the landing page, which does not advertise the operators' page", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(cluster.webs[0]!.url!);
    await page.locator("h1").first().waitFor({ state: "visible" });
    expect(await page.title()).toMatch(/Hop/);
    await page.getByRole("link", { name: "Sign up" }).first().waitFor({ state: "visible" });
    expect(await page.locator('a[href="/system"]').count()).toBe(0);
    await saveScreenshot(page, "landing-desktop");
    await page.setViewportSize({ width: 390, height: 844 });
    await saveScreenshot(page, "landing-mobile");
    await page.close();
  });

  it("sends a signed-out visitor of /system to sign in, to come back afterwards", async () => {
    const page = await browser.newPage();
    await page.goto(`${cluster.webs[0]!.url}/system`);
    await page.waitForURL(/\/signin\?next=%2Fsystem$/);
    await page.close();
  });

  it("tells a signed-in account that is not an operator that /system is for operators, and shows no System in its navigation", async () => {
    const context = await signedInContext("someone@example.com");
    try {
      const page = await context.newPage();
      await page.goto(`${cluster.webs[0]!.url}/system`);
      await page.getByRole("heading", { name: "Operators only" }).waitFor({ state: "visible" });
      expect(new URL(page.url()).pathname).toBe("/system");
      // Nothing of the dashboard: no process, no queue, no probe button.
      expect(await page.getByTestId("instance-row").count()).toBe(0);
      expect(await page.getByRole("button", { name: "Send test job" }).count()).toBe(0);
      const navigation = page.getByRole("navigation", { name: "App" });
      await navigation.getByRole("link", { name: "Links" }).waitFor({ state: "visible" });
      expect(await navigation.getByRole("link", { name: "System" }).count()).toBe(0);
      await saveScreenshot(page, "system-operators-only");
    } finally {
      await context.close();
    }
  });

  it("lists every live process on /system for an operator, refreshing by itself", async () => {
    const context = await signedInContext(clusterOperatorEmail);
    try {
      const page = await context.newPage();
      await page.goto(`${cluster.webs[1]!.url}/system`);
      await page.getByRole("navigation", { name: "App" }).getByRole("link", { name: "System" }).waitFor({ state: "visible" });
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
    } finally {
      await context.close();
    }
  });
});
