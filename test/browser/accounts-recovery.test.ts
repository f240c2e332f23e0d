import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase } from "@hop/db";
import { startSmtpCatcher } from "../../packages/mail/test/smtp-catcher";
import { launchBrowser, saveScreenshot } from "../support/browser";
import { clusterPassword, startCluster, waitFor, type Cluster } from "../support/cluster";
import { createCookieClient } from "../support/http-session";

// Issue 12, "how it is proven": password reset end to end in Chromium, on the
// production build, with the worker sending the mail to a real SMTP server
// this test runs: request, the mail caught, the link, a new password, the old
// sessions gone, the link refused the second time. Then the profile and the
// deletion of an account from /account.
let catcher: Awaited<ReturnType<typeof startSmtpCatcher>> | undefined;
let cluster: Cluster | undefined;
let browser: Browser | undefined;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  // One after the other: a setup that fails half-way leaves each started thing assigned, for afterAll to stop.
  catcher = await startSmtpCatcher();
  browser = await launchBrowser();
  cluster = await startCluster({ web: 1, workers: 1, env: { SMTP_URL: catcher.smtpUrl, MAIL_FROM: "Hop <no-reply@hop.test>" } });
}, 120_000);
afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await cluster?.stop();
  await catcher?.close();
});

async function newDevice(): Promise<Page> {
  if (!browser) throw new Error("no browser");
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  context.setDefaultTimeout(15_000);
  contexts.push(context);
  return context.newPage();
}

const email = "grace@example.com";
const newPassword = "a fresh passphrase for grace";

describe("password reset in a browser", () => {
  it("mails a single-use link that sets a new password and signs out every other session", async () => {
    if (!cluster || !catcher) throw new Error("setup failed");
    const web = cluster.webs[0]?.url;
    if (!web) throw new Error("no web instance");
    const mails = catcher.mails;

    // Two sessions from before: an API client and a browser on the account page.
    const oldCookie = await cluster.signIn(email);
    const laptop = await newDevice();
    await laptop.goto(`${web}/account`);
    await laptop.getByText("Sign in to manage your account.").waitFor();
    await laptop.getByLabel("Email").fill(email);
    await laptop.getByLabel("Password", { exact: true }).fill(clusterPassword);
    await laptop.getByRole("button", { name: "Sign in" }).click();
    await laptop.waitForURL((url) => url.pathname === "/account");

    // An email without an account gets the very same answer, and no mail.
    const visitor = await newDevice();
    await visitor.goto(`${web}/links`);
    await visitor.getByText("Sign in to see your links.").waitFor();
    await visitor.goto(`${web}/signin`);
    await visitor.getByRole("link", { name: "Forgot password?" }).click();
    await visitor.waitForURL((url) => url.pathname === "/forgot-password");
    await visitor.getByLabel("Email").fill("nobody@example.com");
    await visitor.getByRole("button", { name: "Send reset link" }).click();
    await visitor.getByText("a link to reset its password is on its way").waitFor();

    await visitor.goto(`${web}/forgot-password`);
    await visitor.getByLabel("Email").fill(email.toUpperCase());
    await visitor.getByRole("button", { name: "Send reset link" }).click();
    await visitor.getByText("a link to reset its password is on its way").waitFor();
    await saveScreenshot(visitor, "forgot-password-sent");

    await waitFor(
      async () => mails.length,
      (count) => count >= 1,
      15_000,
    );
    // Give a mail to the unknown address every chance to arrive too (the known one was asked for after it).
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(mails.map((mail) => mail.to)).toEqual([[email]]);
    const link = /https?:\/\/\S+\/reset-password\?token=[A-Za-z0-9_-]{43}/.exec(mails[0]?.body ?? "")?.[0];
    expect(link, mails[0]?.body).toBeDefined();
    if (!link) return;
    expect(link.startsWith(`${web}/reset-password?token=`)).toBe(true);

    // The link, a password too short first (the sign-up rules), then a good one: signed in, on the links page.
    await visitor.goto(link);
    await visitor.getByLabel("New password").fill("short");
    await visitor.getByRole("button", { name: "Save password and sign in" }).click();
    await visitor.getByText("Use at least 10 characters").first().waitFor();
    await visitor.getByLabel("New password").fill(newPassword);
    await saveScreenshot(visitor, "reset-password");
    await visitor.getByRole("button", { name: "Save password and sign in" }).click();
    await visitor.waitForURL((url) => url.pathname === "/links");

    // Every session from before is refused: the browser is sent to sign in, the API client is nobody.
    await laptop.goto(`${web}/account`);
    await laptop.waitForURL((url) => url.pathname === "/signin");
    const oldClient = createCookieClient(async () => oldCookie);
    expect(await oldClient.api(web).auth.me.query()).toBeNull();
    await expect(createCookieClient().api(web).auth.signIn.mutate({ email, password: clusterPassword })).rejects.toThrow("Email or password is incorrect");

    // The same link a second time, in another browser: refused, and the password stays the new one.
    const again = await newDevice();
    await again.goto(link);
    await again.getByLabel("New password").fill("an attacker's passphrase");
    await again.getByRole("button", { name: "Save password and sign in" }).click();
    await again.getByText("This reset link has expired or was already used").waitFor();
    await saveScreenshot(again, "reset-password-used");
    expect(new URL(again.url()).pathname).toBe("/reset-password");
    const fresh = createCookieClient();
    expect((await fresh.api(web).auth.signIn.mutate({ email, password: newPassword })).email).toBe(email);
  }, 120_000);

  it("edits the name, changes the email through a mailed link, then deletes the account: its short links stop at once and its cookies are refused", async () => {
    if (!cluster || !catcher) throw new Error("setup failed");
    const web = cluster.webs[0]?.url;
    if (!web) throw new Error("no web instance");
    const mails = catcher.mails;
    const owner = "linus@example.com";
    const newEmail = "linus@new.example";
    const apiCookie = await cluster.signIn(owner);
    const api = createCookieClient(async () => apiCookie).api(web);
    const link = await api.links.create.mutate({ url: "https://example.com/to-be-deleted" });
    expect((await fetch(`${web}/${link.slug}`, { redirect: "manual" })).status).toBe(302);

    const page = await newDevice();
    await page.goto(`${web}/signin?next=/account`);
    await page.getByLabel("Email").fill(owner);
    await page.getByLabel("Password", { exact: true }).fill(clusterPassword);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL((url) => url.pathname === "/account");

    await page.getByLabel("Name").fill("Linus");
    await page.getByRole("button", { name: "Save profile" }).click();
    await page.getByText("Your profile has been saved.").waitFor();
    await page.reload();
    expect(await page.getByLabel("Name").inputValue()).toBe("Linus");

    // A new email: nothing changes until the link mailed to the new address is followed.
    await page.getByRole("button", { name: "Change email…" }).click();
    await page.getByLabel("New email").fill(newEmail);
    await page.getByLabel("Your password", { exact: true }).fill(clusterPassword);
    await page.getByRole("button", { name: "Send confirmation link" }).click();
    await page.getByText("Your email changes when you follow it").waitFor();
    const mail = (
      await waitFor(
        async () => mails.find((caught) => caught.to.includes(newEmail)),
        (found) => found !== undefined,
        15_000,
      )
    )?.body;
    const confirmLink = /https?:\/\/\S+\/confirm-email\?token=[A-Za-z0-9_-]{43}/.exec(mail ?? "")?.[0];
    expect(confirmLink, mail).toBeDefined();
    expect(await api.auth.me.query()).toMatchObject({ email: owner });
    await page.goto(confirmLink ?? "");
    await page.getByRole("button", { name: "Confirm new email" }).click();
    await page.getByText(`Your account's email is now ${newEmail}`).waitFor();
    expect(await api.auth.me.query()).toMatchObject({ email: newEmail });
    await page.goto(`${web}/account`);

    await page.getByRole("button", { name: "Delete account…" }).click();
    await page.getByLabel("Your password, to confirm").fill("not the password");
    await page.getByRole("button", { name: "Delete my account for good" }).click();
    await page.getByText("That is not your password").waitFor();
    await saveScreenshot(page, "delete-account-confirm");
    await page.getByLabel("Your password, to confirm").fill(clusterPassword);
    await page.getByRole("button", { name: "Delete my account for good" }).click();
    await page.waitForURL((url) => url.pathname === "/");

    expect((await fetch(`${web}/${link.slug}`, { redirect: "manual" })).status).toBe(404);
    expect(await api.auth.me.query()).toBeNull();
    await page.goto(`${web}/account`);
    await page.waitForURL((url) => url.pathname === "/signin");
    const db = createDatabase(cluster.env.DATABASE_URL ?? "");
    try {
      expect(await db.user.findUnique({ where: { email: newEmail } })).toBeNull();
      expect(await db.user.findUnique({ where: { email: owner } })).toBeNull();
      expect(await db.link.count({ where: { slug: link.slug } })).toBe(0);
    } finally {
      await db.$disconnect();
    }
  }, 120_000);
});
