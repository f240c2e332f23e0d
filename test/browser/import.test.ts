// The callbacks of page.evaluate() run in the browser, with its globals.
/// <reference lib="dom" />
import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, saveScreenshot } from "../support/browser";
import { startCluster, type Cluster } from "../support/cluster";
import { createCookieClient } from "../support/http-session";

// The import page in Chromium against the production build (two webs, one
// worker): a dub CSV is chosen, the mapping step shows each previewed row's
// outcome before anything is written, the import's progress bar moves with
// pushed events, and the rows not imported download as a CSV with reasons;
// then the form for another server's API, against a local server answering as
// Kutt's API v2 does, with the same progress bar and download.
let cluster: Cluster;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const owner = createCookieClient(() => cluster.signIn("import-owner@example.com"));
const webUrl = (index: number) => cluster.webs[index]!.url!;

beforeAll(async () => {
  browser = await launchBrowser();
  // Loopback allowed for the guarded fetch (tests only): the API import reads the local Kutt fixture.
  cluster = await startCluster({ web: 2, workers: 1, env: { METADATA_FETCH_ALLOW_LOOPBACK: "true" } });
  await owner.api(webUrl(0)).auth.me.query();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  context.setDefaultTimeout(15_000);
  await context.addCookies([{ name: "hop_session", value: owner.cookie!, url: webUrl(0) }]);
  page = await context.newPage();
}, 180_000);

let kutt: Server | undefined;
let kuttUrl = "";
const kuttKey = "kutt-browser-key";
const kuttRows = 2_000;
/** Kutt's links, 100 a page (`skip`, `limit`, `total`), to the right key only; two of them cannot be links. */
const kuttLinks = Array.from({ length: kuttRows }, (_, index) => ({
  address: `k-${index}`,
  target: index === 7 ? "ftp://files.example/archive" : index === 11 ? "not a url" : `https://kutt-browser.example/${index}`,
  description: index === 0 ? "The first Kutt link" : null,
  created_at: "2021-06-01T12:00:00.000Z",
}));

beforeAll(async () => {
  kutt = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://fixture");
    if (url.pathname !== "/api/v2/links") return response.writeHead(404).end();
    if (request.headers["x-api-key"] !== kuttKey) return response.writeHead(401, { "content-type": "application/json" }).end('{"error":"Unauthorized"}');
    const skip = Number(url.searchParams.get("skip") ?? 0);
    const limit = Number(url.searchParams.get("limit") ?? 10);
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify({ limit, skip, total: kuttLinks.length, data: kuttLinks.slice(skip, skip + limit) }));
  });
  await new Promise<void>((resolve) => kutt!.listen(0, "127.0.0.1", resolve));
  kuttUrl = `http://127.0.0.1:${(kutt.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => (kutt ? kutt.close(resolve) : resolve(undefined)));
  await context?.close();
  await browser?.close();
  await cluster?.stop();
});

// Enough rows that the bar is seen between 0 and the end (progress is pushed every 400 rows, thousands a second).
const rows = 3_000;
const file = [
  "link,url,createdAt,tags,title",
  "https://dub.sh/taken-by-me,https://dup.example/,,,",
  "https://dub.sh/broken,notaurl,,,",
  ...Array.from(
    { length: rows - 2 },
    (_, index) => `https://dub.sh/b-${index},https://browser-import.example/${index},2024-01-01T00:00:00Z,imported,Row ${index}`,
  ),
].join("\n");

describe("the import page", () => {
  it("maps the columns, shows what each row will do, pushes the progress and downloads the rows not imported", async () => {
    await owner.api(webUrl(0)).links.create.mutate({ url: "https://mine.example/", slug: "taken-by-me" });
    await page.goto(`${webUrl(0)}/links`);
    await page.getByRole("link", { name: "Import" }).click();
    await page.waitForURL(/\/links\/import$/);
    // A file that is not CSV (a quote never closed) is refused with the reason, not "something went wrong".
    await page
      .getByLabel("CSV file")
      .setInputFiles({ name: "broken.csv", mimeType: "text/csv", buffer: Buffer.from('url,title\nhttps://a.example/,"unclosed\n') });
    const refusal = page.getByRole("alert").filter({ hasText: "The file could not be read" });
    await refusal.waitFor({ state: "visible" });
    expect(await refusal.textContent()).toMatch(/a quote \("\) opened in it is never closed/);
    await saveScreenshot(page, "import-refused-file");
    await page.setViewportSize({ width: 390, height: 844 });
    await saveScreenshot(page, "import-refused-file-390");
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.getByLabel("CSV file").setInputFiles({ name: "dub-export.csv", mimeType: "text/csv", buffer: Buffer.from(file) });

    const previewRows = page.getByTestId("preview-row");
    await previewRows.first().waitFor({ state: "visible" });
    expect(await page.getByText("dub export").isVisible()).toBe(true);
    expect(await page.getByLabel("Destination URL").inputValue()).toBe("url");
    expect(await page.getByLabel("Slug (short code)").inputValue()).toBe("link");
    expect(await previewRows.nth(0).textContent()).toContain("Slug taken: renamed");
    expect(await previewRows.nth(1).textContent()).toContain("Invalid");
    expect(await previewRows.nth(1).textContent()).toContain("url:");
    expect(await previewRows.nth(2).textContent()).toContain("Created");

    // The user's choice for taken slugs changes the preview before anything is written.
    // By its id: the form for another server's API below has a field of the same label.
    await page.locator("#slug-taken").selectOption("skip");
    await previewRows.nth(0).getByText("Slug taken: skipped").waitFor({ state: "visible" });
    await saveScreenshot(page, "import-mapping");
    expect(await owner.api(webUrl(1)).links.list.query({ search: "browser-import" })).toMatchObject({ items: [] });

    await page.getByRole("button", { name: `Import ${rows.toLocaleString("en")} rows` }).click();
    const bar = page.getByRole("progressbar", { name: "Rows imported" });
    await bar.waitFor({ state: "visible" });
    // The page never polls: every value after the first read arrives as a pushed event.
    const seen = new Set<number>();
    const deadline = Date.now() + 240_000;
    let midwayShot = false;
    for (;;) {
      const now = Number(await bar.getAttribute("aria-valuenow"));
      seen.add(now);
      if (!midwayShot && now > 0 && now < rows) {
        midwayShot = true;
        await saveScreenshot(page, "import-progress");
      }
      if (await page.getByText("Done", { exact: true }).isVisible()) break;
      if (Date.now() > deadline) throw new Error(`the import did not finish; seen ${[...seen].join(",")}`);
      await page.waitForTimeout(100);
    }
    expect([...seen].some((value) => value > 0 && value < rows)).toBe(true);
    expect(await page.getByTestId("created-rows").textContent()).toBe((rows - 2).toLocaleString("en"));
    expect(await page.getByTestId("failed-rows").textContent()).toBe("1");
    await saveScreenshot(page, "import-done");

    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: /Download the rows not imported/ }).click()]);
    expect(download.suggestedFilename()).toBe("dub-export-failed.csv");
    const failed = (await readFile((await download.path())!, "utf8")).trim().split("\n");
    expect(failed[0]).toBe("link,url,createdAt,tags,title,reason");
    expect(failed).toHaveLength(3);
    // The reason is quoted as CSV quotes (its own quotes doubled).
    expect(failed[1]).toBe('https://dub.sh/taken-by-me,https://dup.example/,,,,"The slug ""taken-by-me"" is already taken; choose another"');
    expect(failed[2]).toBe('https://dub.sh/broken,notaurl,,,,"url: Enter a full URL, like https://example.com/page"');

    await page.setViewportSize({ width: 390, height: 844 });
    await saveScreenshot(page, "import-390");
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  }, 400_000);

  it("imports from another server's API with a key: the live progress bar, then the rows not imported as a CSV", async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${webUrl(1)}/links/import`);
    await page.locator('select[name="source"]').selectOption("kutt");
    await page.getByLabel("Address").fill(kuttUrl);
    await page.getByLabel("API key").fill(kuttKey);
    await page.getByRole("button", { name: "Import from this server" }).click();

    const bar = page.getByRole("progressbar", { name: "Rows imported" });
    await bar.waitFor({ state: "visible" });
    const seen = new Set<number>();
    const deadline = Date.now() + 240_000;
    let midwayShot = false;
    for (;;) {
      const now = Number(await bar.getAttribute("aria-valuenow"));
      seen.add(now);
      if (!midwayShot && now > 0 && now < kuttRows) {
        midwayShot = true;
        await saveScreenshot(page, "import-api-progress");
      }
      if (await page.getByText("Done", { exact: true }).isVisible()) break;
      if (Date.now() > deadline) throw new Error(`the API import did not finish; seen ${[...seen].join(",")}`);
      await page.waitForTimeout(100);
    }
    expect([...seen].some((value) => value > 0 && value < kuttRows)).toBe(true);
    expect(Number(await bar.getAttribute("aria-valuemax"))).toBe(kuttRows);
    expect(await page.getByTestId("created-rows").textContent()).toBe((kuttRows - 2).toLocaleString("en"));
    expect(await page.getByTestId("failed-rows").textContent()).toBe("2");
    await saveScreenshot(page, "import-api-done");
    expect(await owner.api(webUrl(0)).links.bySlug.query({ slug: "k-0" })).toMatchObject({
      url: "https://kutt-browser.example/0",
      title: "The first Kutt link",
    });

    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: /Download the rows not imported/ }).click()]);
    const failed = (await readFile((await download.path())!, "utf8")).trim().split("\n");
    expect(failed[0]).toBe("url,slug,title,tags,createdAt,reason");
    expect(failed).toHaveLength(3);
    expect(failed[1]).toMatch(/^ftp:\/\/files\.example\/archive,k-7,.*,"?url: /);
    expect(failed[2]).toMatch(/^not a url,k-11,.*,"?url: /);
  }, 400_000);
});
