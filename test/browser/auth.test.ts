// The callbacks of page.evaluate() run in the browser, with its globals.
/// <reference lib="dom" />
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, saveScreenshot } from "../support/browser";
import { startCluster, type Cluster } from "../support/cluster";
import { createCookieClient } from "../support/http-session";

// Accounts in Chromium, with two browser contexts (two devices) on two
// different web instances of the production build.
let cluster: Cluster;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  // One after the other, chromium first: a setup that fails half-way leaves each started thing assigned, for afterAll to stop.
  browser = await launchBrowser();
  cluster = await startCluster({ web: 2, workers: 0 });
}, 120_000);
afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await cluster?.stop();
});

async function newDevice(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  context.setDefaultTimeout(10_000); // a step that cannot happen fails with its own message, not the test's timeout
  contexts.push(context);
  return context.newPage();
}

const email = "ada@example.com";
const password = "correct horse battery";

// Not a regex on the whole URL: "/signin?next=/account" ends with "/account" too.
const onAccountPage = (url: URL) => url.pathname === "/account";

async function signIn(page: Page, webUrl: string, account = { email, password }) {
  await page.goto(`${webUrl}/signin?next=/account`);
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password", { exact: true }).fill(account.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(onAccountPage);
}

describe("accounts in a browser", () => {
  it("signs up, shows field errors first, signs out and in again", async () => {
    const laptop = await newDevice();
    const web1 = cluster.webs[0]!.url!;
    await laptop.goto(`${web1}/signup?next=/account`);
    await laptop.getByLabel("Email").fill("not an email");
    await laptop.getByLabel("Password", { exact: true }).fill("short");
    await laptop.getByRole("button", { name: "Sign up" }).click();
    await laptop.getByText("Enter a valid email address", { exact: false }).first().waitFor();
    await laptop.getByText("Use at least 10 characters").first().waitFor();
    await saveScreenshot(laptop, "signup-errors");

    await laptop.getByLabel("Email").fill(email);
    await laptop.getByLabel("Password", { exact: true }).fill(password);
    await laptop.getByRole("button", { name: "Sign up" }).click();
    await laptop.waitForURL(onAccountPage);
    await laptop.getByTestId("sessions-list").waitFor();
    expect(await laptop.getByTestId("session-row").count()).toBe(1);
    await saveScreenshot(laptop, "account");

    await laptop.getByRole("button", { name: "Sign out" }).first().click();
    await laptop.waitForURL(/\/signin/);
    await laptop.goto(`${web1}/account`);
    await laptop.waitForURL(/\/signin\?next=%2Faccount|\/signin\?next=\/account/);
    await saveScreenshot(laptop, "signin");

    await laptop.getByLabel("Email").fill(email);
    await laptop.getByLabel("Password", { exact: true }).fill("a wrong password");
    await laptop.getByRole("button", { name: "Sign in" }).click();
    await laptop.getByText("Email or password is incorrect").first().waitFor();
    await signIn(laptop, web1);

    // The landing page is static, yet a signed-in visitor is offered their links rather than a sign-in.
    await laptop.goto(web1);
    await laptop.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Your links" }).waitFor();
    expect(await laptop.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Sign in" }).count()).toBe(0);
  });

  it("revokes a session of another device, and that device is signed out on the other instance", async () => {
    const [web1, web2] = cluster.webs.map((process) => process.url!);
    const laptop = contexts[0]!.pages()[0]!;
    const phone = await newDevice();
    await signIn(phone, web2!);

    await laptop.goto(`${web1}/account`);
    const rows = laptop.getByTestId("session-row");
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(2);
    await saveScreenshot(laptop, "account-two-sessions");
    const other = laptop.locator('[data-testid="session-row"][data-current="false"]');
    await other.getByRole("button", { name: "Revoke" }).click();
    const confirm = laptop.getByRole("alertdialog");
    await confirm.getByRole("button", { name: "Revoke session" }).click();
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(1);

    // The phone, served by the other instance, is out on its next request.
    await phone.goto(`${web2}/account`);
    await phone.waitForURL(/\/signin/);
    await saveScreenshot(phone, "revoked-device");
  });

  // A second account: sign-in is limited to 5 tries per account from one address per 15 minutes, and the tests above used most of ada's.
  const grace = { email: "grace@example.com", password: "compilers all the way down", newPassword: "a brand new passphrase" };

  it("changes the password: field errors first, then every other device is signed out and the new password works", async () => {
    const [web1, web2] = cluster.webs.map((process) => process.url!);
    const laptop = await newDevice();
    await laptop.goto(`${web1}/signup?next=/account`);
    await laptop.getByLabel("Name (optional)").fill("Grace");
    await laptop.getByLabel("Email").fill(grace.email);
    await laptop.getByLabel("Password", { exact: true }).fill(grace.password);
    await laptop.getByRole("button", { name: "Sign up" }).click();
    await laptop.waitForURL(onAccountPage);
    const tablet = await newDevice();
    await signIn(tablet, web2!, grace);

    await laptop.goto(`${web1}/account`);
    await expect.poll(() => laptop.getByTestId("session-row").count(), { timeout: 10_000 }).toBe(2);
    const form = laptop.locator("form", { has: laptop.getByRole("button", { name: "Change password" }) });
    await form.getByLabel("Current password").fill("not my password at all");
    await form.getByLabel("New password", { exact: true }).fill(grace.newPassword);
    await form.getByLabel("Confirm new password").fill(`${grace.newPassword}, typo`);
    await form.getByRole("button", { name: "Change password" }).click();
    await form.getByText("The two new passwords differ").waitFor();
    // The first invalid field has the focus, so a keyboard user is already where the fix goes.
    expect(await form.getByLabel("Confirm new password").evaluate((element) => element === document.activeElement)).toBe(true);

    await form.getByLabel("Confirm new password").fill(grace.newPassword);
    await form.getByRole("button", { name: "Change password" }).click();
    await form.getByText("That is not your current password").waitFor();
    expect(await form.getByLabel("Current password").getAttribute("aria-invalid")).toBe("true");
    await saveScreenshot(laptop, "account-password-errors");

    await form.getByLabel("Current password").fill(grace.password);
    await form.getByRole("button", { name: "Change password" }).click();
    await form.getByText("1 other device was signed out").waitFor();
    await expect.poll(() => laptop.getByTestId("session-row").count(), { timeout: 10_000 }).toBe(1);

    // The tablet, on the other instance, is out; the old password no longer opens the account, the new one does.
    await tablet.goto(`${web2}/account`);
    await tablet.waitForURL(/\/signin/);
    await tablet.getByLabel("Email").fill(grace.email);
    await tablet.getByLabel("Password", { exact: true }).fill(grace.password);
    await tablet.getByRole("button", { name: "Sign in" }).click();
    await tablet.getByText("Email or password is incorrect").first().waitFor();
    await tablet.getByLabel("Password", { exact: true }).fill(grace.newPassword);
    await tablet.getByRole("button", { name: "Sign in" }).click();
    await tablet.waitForURL(onAccountPage);
  });

  it("works on a phone: the account page through the menu, sign-in from the keyboard alone", async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    context.setDefaultTimeout(10_000);
    contexts.push(context);
    const phone = await context.newPage();
    const web1 = cluster.webs[0]!.url!;
    await phone.goto(`${web1}/signin?next=/account`);
    await saveScreenshot(phone, "signin-phone");
    // Email has the focus on arrival; Tab to the password, Enter submits.
    await phone.keyboard.type(grace.email);
    await phone.keyboard.press("Tab");
    await phone.keyboard.type(grace.newPassword);
    await phone.keyboard.press("Enter");
    await phone.waitForURL(onAccountPage);
    await phone.getByTestId("sessions-list").waitFor();
    await saveScreenshot(phone, "account-phone");

    const menu = phone.getByRole("button", { name: "Menu" });
    await menu.click();
    await phone.getByRole("navigation", { name: "App" }).getByRole("link", { name: "Account" }).waitFor();
    await saveScreenshot(phone, "menu-phone");
    await phone.keyboard.press("Escape");
    expect(await menu.getAttribute("aria-expanded")).toBe("false");
  });

  // Before the page's script has loaded (slow network, script blocked) a form must not fall back to a GET that puts the
  // password in the URL: sign-in and sign-up work by POST without script, the password change cannot be sent before it.
  it("signs in and up without JavaScript, and never puts a password in a URL", async () => {
    const web1 = cluster.webs[0]!.url!;
    const secret = "no-script secret 0123";
    const account = createCookieClient();
    await account.api(web1).auth.signUp.mutate({ email: "linus@example.com", password: secret });
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 860 } });
    context.setDefaultTimeout(10_000);
    // Closed here, not with the others: the last test below uses the last device of the list.
    try {
      const page = await context.newPage();
      const urlsRequested: string[] = [];
      page.on("request", (request) => urlsRequested.push(request.url()));
      const submit = async (form: Locator) => {
        // Enter in the password field: the browser's own submission, nothing of ours runs.
        await form.locator('input[type="password"]').last().press("Enter");
        await page.waitForLoadState("load");
      };
      const authForm = (button: string) => page.locator("form", { has: page.getByRole("button", { name: button }) });

      // A wrong password: back to the form with the reason, the email not in the URL either.
      await page.goto(`${web1}/signin?next=/account`);
      await authForm("Sign in").getByLabel("Email").fill("linus@example.com");
      await authForm("Sign in").getByLabel("Password", { exact: true }).fill(`${secret} wrong`);
      await submit(authForm("Sign in"));
      expect(new URL(page.url()).pathname).toBe("/signin");
      expect(new URL(page.url()).searchParams.get("next")).toBe("/account");
      await page.getByText("Email or password is incorrect").waitFor();

      // The right one: signed in, on the page asked for (a signed-out visitor would be sent to /signin).
      await authForm("Sign in").getByLabel("Email").fill("linus@example.com");
      await authForm("Sign in").getByLabel("Password", { exact: true }).fill(secret);
      await submit(authForm("Sign in"));
      expect(new URL(page.url()).pathname).toBe("/account");
      await page.getByRole("button", { name: "Change password" }).waitFor();
      await saveScreenshot(page, "account-no-script");

      // The password change needs the page's script: its button stays disabled, Enter does nothing.
      const passwordForm = authForm("Change password");
      expect(await passwordForm.getByRole("button", { name: "Change password" }).isDisabled()).toBe(true);
      await passwordForm.getByLabel("Current password").fill(secret);
      await passwordForm.getByLabel("New password", { exact: true }).fill(`${secret} new`);
      await passwordForm.getByLabel("Confirm new password").fill(`${secret} new`);
      await submit(passwordForm);
      expect(new URL(page.url()).pathname).toBe("/account");

      // Sign-up, in a fresh signed-out context of the same kind.
      await context.clearCookies();
      await page.goto(`${web1}/signup?next=/account`);
      await authForm("Sign up").getByLabel("Email").fill("linus2@example.com");
      await authForm("Sign up").getByLabel("Password", { exact: true }).fill(secret);
      await submit(authForm("Sign up"));
      expect(new URL(page.url()).pathname).toBe("/account");

      expect(urlsRequested.length).toBeGreaterThan(0);
      const encoded = [secret, encodeURIComponent(secret), new URLSearchParams({ p: secret }).toString().slice(2)];
      for (const url of urlsRequested) for (const form of encoded) expect(url).not.toContain(form);
      expect(urlsRequested.some((url) => /[?&](email|password|currentPassword|newPassword)=/.test(url))).toBe(false);
      // The password change did not happen: the old password still opens the account; the new account opens too.
      await expect(createCookieClient().api(web1).auth.signIn.mutate({ email: "linus@example.com", password: secret })).resolves.toMatchObject({
        email: "linus@example.com",
      });
      await expect(createCookieClient().api(web1).auth.signIn.mutate({ email: "linus2@example.com", password: secret })).resolves.toMatchObject({
        email: "linus2@example.com",
      });
    } finally {
      await context.close();
    }
  });

  // Last: the harness's Redis keeps nothing on disk, so every session is gone after it restarts.
  it("says sign-in cannot be checked while Redis is down, rather than showing the page or signing out", async () => {
    const web2 = cluster.webs[1]!.url!;
    const phone = contexts.at(-1)!.pages()[0]!;
    await cluster.redisServer.stop();
    try {
      await phone.goto(`${web2}/account`);
      await phone.getByRole("heading", { name: "Sign-in cannot be checked right now" }).waitFor();
      expect(new URL(phone.url()).pathname).toBe("/account");
      expect(await phone.getByTestId("sessions-list").count()).toBe(0);
      await saveScreenshot(phone, "sessions-unavailable-phone");
    } finally {
      await cluster.redisServer.start();
    }
    // Back, but empty: the session is unknown now, so the page asks for a sign-in (never shows it as signed in).
    await expect
      .poll(
        async () => {
          await phone.goto(`${web2}/account`);
          return new URL(phone.url()).pathname;
        },
        { timeout: 15_000 },
      )
      .toBe("/signin");
  });
});
