import { CleanupStack } from "@hop/test-harness";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, saveScreenshot } from "../support/browser";
import { startCluster, waitFor, type Cluster } from "../support/cluster";
import { startWebhookReceiver, type WebhookReceiver } from "../support/webhook-receiver";

// /account/webhooks in Chromium against the production build: empty state,
// a refused URL, an endpoint added and its test event delivered (verified by
// the receiver with the secret the page shows), a failing endpoint disabled
// with its reason, enabled again and redelivered; a phone's width.
const cleanup = new CleanupStack();
let browser: Browser;
let cluster: Cluster;
let receiver: WebhookReceiver;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  browser = await launchBrowser();
  cleanup.defer(() => browser.close());
  receiver = await startWebhookReceiver();
  cleanup.defer(() => receiver.close());
  cluster = await startCluster({
    web: 1,
    workers: 1,
    env: { METADATA_FETCH_ALLOW_LOOPBACK: "true", WEBHOOK_RETRY_BASE_MS: "300", WEBHOOK_MAX_ATTEMPTS: "2", WEBHOOK_DISABLE_AFTER_FAILURES: "2" },
  });
  cleanup.defer(() => cluster.stop());
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const cookie = await cluster.signIn("hooks-ui@example.com");
  await context.addCookies([{ name: "hop_session", value: cookie, url: cluster.webs[0]!.url!, httpOnly: true, sameSite: "Lax" }]);
  page = await context.newPage();
}, 180_000);
afterAll(() => cleanup.run());

async function addEndpoint(url: string): Promise<void> {
  await page.getByLabel("Endpoint URL").fill(url);
  await page.getByRole("button", { name: "Add endpoint" }).click();
  await page.getByRole("heading", { name: url }).waitFor({ state: "visible" });
}

const endpointCard = (url: string) => page.getByTestId("webhook-endpoint").filter({ has: page.getByRole("heading", { name: url }) });

describe("the webhooks page", () => {
  it("starts empty, refuses a bad URL beside the field, and is reached from the account page", async () => {
    await page.goto(`${cluster.webs[0]!.url}/account`);
    await page.getByRole("link", { name: "Manage webhooks" }).click();
    await page.waitForURL(/\/account\/webhooks$/);
    await page.getByRole("heading", { name: "No endpoints yet" }).waitFor({ state: "visible" });
    await saveScreenshot(page, "webhooks-empty");

    await page.getByLabel("Endpoint URL").fill("ftp://example.com/hook");
    await page.getByRole("button", { name: "Add endpoint" }).click();
    await page.getByText("Only http(s) URLs can receive webhooks").waitFor({ state: "visible" });
    expect(await page.getByLabel("Endpoint URL").getAttribute("aria-invalid")).toBe("true");
    for (const label of ["Link created", "Link changed", "Link deleted"]) await page.getByLabel(label).uncheck();
    await page.getByLabel("Endpoint URL").fill("https://example.com/hook");
    await page.getByRole("button", { name: "Add endpoint" }).click();
    await page.getByText("Choose at least one event").waitFor({ state: "visible" });
    expect(await page.getByTestId("webhook-endpoint").count()).toBe(0);
    await page.getByLabel("Link created").check();
  });

  it("adds an endpoint, sends its test event, and shows it delivered; the receiver verifies it with the secret shown", async () => {
    const url = receiver.url("/ui-ok");
    await addEndpoint(url);
    const card = endpointCard(url);
    await card.getByRole("button", { name: "Show secret" }).click();
    const secret = (await card.locator("code").textContent())!.trim();
    expect(secret).toMatch(/^whsec_/);
    await card.getByRole("button", { name: "Send test event" }).click();
    await card.locator('[data-testid="webhook-delivery"][data-status="SUCCEEDED"]').waitFor({ state: "visible", timeout: 20_000 });
    const [request] = receiver.at("/ui-ok");
    expect((new Webhook(secret).verify(request!.body, request!.headers) as { type: string }).type).toBe("webhook.test");
    await card.getByRole("button", { name: "Hide secret" }).click();
    await saveScreenshot(page, "webhooks-delivered");
  });

  it("shows a failing endpoint disabled with the reason; enabled again, its delivery is redelivered", async () => {
    receiver.answer("/ui-down", 500);
    const url = receiver.url("/ui-down");
    await addEndpoint(url);
    const card = endpointCard(url);
    await card.getByRole("button", { name: "Send test event" }).click();
    // Two failed attempts in a row disable it (this test's setting); the list refreshes by itself.
    await card.getByText("Disabled after 2 failed attempts in a row (the last: HTTP 500)").waitFor({ state: "visible", timeout: 30_000 });
    await card.locator('[data-testid="webhook-delivery"][data-status="FAILED"]').waitFor({ state: "visible", timeout: 10_000 });
    await saveScreenshot(page, "webhooks-disabled");

    receiver.answer("/ui-down", 200);
    await card.getByRole("button", { name: "Enable" }).click();
    await card.getByRole("button", { name: "Send test event" }).waitFor({ state: "visible" });
    await card.getByRole("button", { name: "Redeliver" }).first().click();
    await card.locator('[data-testid="webhook-delivery"][data-status="SUCCEEDED"]').waitFor({ state: "visible", timeout: 20_000 });
    const attempts = await waitFor(
      async () => receiver.at("/ui-down"),
      (got) => got.length >= 3,
      5_000,
    );
    // The redelivery is the same message: one webhook-id over all three requests.
    expect(new Set(attempts.map((request) => request.headers["webhook-id"])).size).toBe(1);
  });

  it("fits a 390 px phone without sideways scrolling", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await page.getByTestId("webhook-endpoint").first().waitFor({ state: "visible" });
    await page.locator('[data-testid="webhook-delivery"]').first().waitFor({ state: "visible" });
    expect(await page.evaluate(() => document.scrollingElement!.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    await saveScreenshot(page, "webhooks-mobile");
  });
});
