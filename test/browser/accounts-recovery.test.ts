// The callbacks of page.evaluate() run in the browser, with its globals.
/// <reference lib="dom" />
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
// sessions gone, the link refused the second time. Then the profile, the email
// change, and the deletion of an account from /account: scheduled (links stop,
// sessions end, a mail with the date), then kept by signing in again.
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

async function newDevice(options: { javaScriptEnabled?: boolean } = {}): Promise<Page> {
  if (!browser) throw new Error("no browser");
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, javaScriptEnabled: options.javaScriptEnabled ?? true });
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

  it("edits the name, changes the email through a mailed link (the old address told), then schedules the deletion and keeps the account by signing in", async () => {
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

    await page.getByLabel("Name", { exact: true }).fill("Linus");
    await page.getByRole("button", { name: "Save profile" }).click();
    await page.getByText("Your profile has been saved.").waitFor();
    await page.reload();
    expect(await page.getByLabel("Name", { exact: true }).inputValue()).toBe("Linus");

    // A new email: nothing changes until the link mailed to the new address is followed.
    await page.getByRole("link", { name: "Change email…" }).click();
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
    // The old address is told, with what to do if it was not its owner; the notice carries no link that changes anything.
    // Its own mail, sent apart from the confirmation: waited for, not assumed to have arrived with it.
    const notice =
      (
        await waitFor(
          async () => mails.find((caught) => caught.to.includes(owner)),
          (found) => found !== undefined,
          15_000,
        )
      )?.body ?? "";
    expect(notice).toContain(`to ${newEmail}`);
    expect(notice).toContain("change your password");
    expect(notice).not.toMatch(/token=/);
    await page.goto(confirmLink ?? "");
    await page.getByRole("button", { name: "Confirm new email" }).click();
    await page.getByText(`Your account's email is now ${newEmail}`).waitFor();
    expect(await api.auth.me.query()).toMatchObject({ email: newEmail });
    await page.goto(`${web}/account`);

    // Deleting: the password and DELETE typed out; then every session ends and the short link stops at once.
    await page.getByRole("link", { name: "Delete account…" }).click();
    await page.getByLabel("Your password, to confirm").fill("not the password");
    await page.getByLabel("Type DELETE to confirm").fill("DELETE");
    await page.getByRole("button", { name: "Delete my account" }).click();
    await page.getByText("That is not your password").waitFor();
    await page.getByLabel("Your password, to confirm").fill(clusterPassword);
    await page.getByLabel("Type DELETE to confirm").fill("");
    await page.getByRole("button", { name: "Delete my account" }).click();
    await page.getByText("Type DELETE to confirm", { exact: true }).last().waitFor();
    await page.getByLabel("Type DELETE to confirm").fill("delete");
    await saveScreenshot(page, "delete-account-confirm");
    await page.getByRole("button", { name: "Delete my account" }).click();
    await page.waitForURL((url) => url.pathname === "/signin");
    await page.getByText("Your account is scheduled for deletion and every device was signed out.").waitFor();
    expect((await fetch(`${web}/${link.slug}`, { redirect: "manual" })).status).toBe(404);
    expect(await api.auth.me.query()).toBeNull();
    const db = createDatabase(cluster.env.DATABASE_URL ?? "");
    try {
      const scheduled = (await db.user.findUniqueOrThrow({ where: { email: newEmail } })).deletionScheduledFor;
      expect(scheduled?.getTime()).toBeGreaterThan(Date.now() + 6.9 * 86_400_000);
      // The mail: the date (in UTC, as the page shows it) and how to keep the account.
      const deletionMail = (
        await waitFor(
          async () => mails.find((caught) => caught.to.includes(newEmail) && caught.raw.includes("Your Hop account will be deleted")),
          (found) => found !== undefined,
          15_000,
        )
      )?.body;
      expect(deletionMail).toContain(`${scheduled?.toISOString().slice(0, 10)}`);
      expect(deletionMail).toContain(`${web}/signin`);

      // Signing in again within the grace period: the page says when, and offers to keep the account.
      await page.getByLabel("Email").fill(newEmail);
      await page.getByLabel("Password", { exact: true }).fill(clusterPassword);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL((url) => url.pathname === "/account/deletion");
      await page.getByRole("heading", { name: "Your account is scheduled for deletion" }).waitFor();
      await saveScreenshot(page, "account-deletion-scheduled");
      // On a phone too: nothing cut off, no sideways scroll.
      await page.setViewportSize({ width: 390, height: 844 });
      expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBe(0);
      await saveScreenshot(page, "account-deletion-scheduled-390");
      await page.setViewportSize({ width: 1280, height: 860 });
      // Any other signed-in page leads back here until the account is kept.
      await page.goto(`${web}/links`);
      await page.waitForURL((url) => url.pathname === "/account/deletion");
      expect((await fetch(`${web}/${link.slug}`, { redirect: "manual" })).status).toBe(404);

      await page.getByRole("button", { name: "Keep my account" }).click();
      await page.waitForURL((url) => url.pathname === "/links");
      await page.getByText(link.slug).first().waitFor();
      expect((await fetch(`${web}/${link.slug}`, { redirect: "manual" })).status).toBe(302);
      expect((await db.user.findUniqueOrThrow({ where: { email: newEmail } })).deletionScheduledFor).toBeNull();
    } finally {
      await db.$disconnect();
    }
  }, 120_000);
});

// Issue 12: the account forms are plain HTML forms first (progressive enhancement). With JavaScript off, each one
// posts to /api/auth/<form>, which runs the same procedure and redirects: forgot and reset password, email change and
// its confirmation, deleting the account and keeping it.
describe("the account forms without JavaScript", () => {
  it("reset a password end to end, change the email, schedule the deletion and keep the account", async () => {
    if (!cluster || !catcher) throw new Error("setup failed");
    const web = cluster.webs[0]?.url;
    if (!web) throw new Error("no web instance");
    const mails = catcher.mails;
    const owner = "nojs@example.com";
    const fresh = "a passphrase set without script";
    const oldCookie = await cluster.signIn(owner);
    const page = await newDevice({ javaScriptEnabled: false });
    const mailTo = async (to: string, pattern: RegExp) =>
      (
        await waitFor(
          async () => mails.filter((caught) => caught.to.includes(to)).find((caught) => pattern.test(caught.body)),
          (found) => found !== undefined,
          15_000,
        )
      )?.body.match(pattern)?.[0] ?? "";

    // Forgot password: the form posts, the page says the mail is on its way.
    await page.goto(`${web}/forgot-password`);
    await page.getByLabel("Email").fill(owner);
    await page.getByRole("button", { name: "Send reset link" }).click();
    await page.waitForURL((url) => url.pathname === "/forgot-password" && url.searchParams.get("sent") === "1");
    await page.getByText("a link to reset its password is on its way").waitFor();
    const resetLink = await mailTo(owner, /https?:\/\/\S+\/reset-password\?token=[A-Za-z0-9_-]{43}/);
    expect(resetLink.startsWith(`${web}/reset-password?token=`)).toBe(true);

    // Reset: a too short password comes back with its message, a good one signs in here and ends the old session.
    await page.goto(resetLink);
    await page.getByLabel("New password").fill("short");
    await page.getByRole("button", { name: "Save password and sign in" }).click();
    await page.getByText("Choose a new password of 10 to 128 characters").waitFor();
    await page.getByLabel("New password").fill(fresh);
    await page.getByRole("button", { name: "Save password and sign in" }).click();
    await page.waitForURL((url) => url.pathname === "/links");
    expect(
      await createCookieClient(async () => oldCookie)
        .api(web)
        .auth.me.query(),
    ).toBeNull();
    // The link a second time: refused, with the reason.
    const other = await newDevice({ javaScriptEnabled: false });
    await other.goto(resetLink);
    await other.getByLabel("New password").fill("an attacker's passphrase");
    await other.getByRole("button", { name: "Save password and sign in" }).click();
    await other.getByText("This reset link has expired or was already used").waitFor();
    await saveScreenshot(other, "reset-password-used-no-script");

    // Email change: the link opens the form, the form posts, the confirmation link confirms with a plain POST.
    const newEmail = "nojs@new.example";
    await page.goto(`${web}/account`);
    await page.getByRole("link", { name: "Change email…" }).click();
    await page.getByLabel("New email").fill(newEmail);
    await page.getByLabel("Your password", { exact: true }).fill("not my password");
    await page.getByRole("button", { name: "Send confirmation link" }).click();
    await page.getByText("That is not your password.").waitFor();
    await page.getByLabel("New email").fill(newEmail);
    await page.getByLabel("Your password", { exact: true }).fill(fresh);
    await page.getByRole("button", { name: "Send confirmation link" }).click();
    await page.getByText("Your email changes when you follow it").waitFor();
    const confirmLink = await mailTo(newEmail, /https?:\/\/\S+\/confirm-email\?token=[A-Za-z0-9_-]{43}/);
    await page.goto(confirmLink);
    await page.getByRole("button", { name: "Confirm new email" }).click();
    await page.getByText("Your account's email has changed.").waitFor();

    // Deleting: the link opens the confirmation, a missing DELETE comes back with its message, then it is scheduled.
    await page.goto(`${web}/account`);
    await page.getByRole("link", { name: "Delete account…" }).click();
    await page.getByLabel("Your password, to confirm").fill(fresh);
    await page.getByRole("button", { name: "Delete my account" }).click();
    await page.getByText("Type DELETE to confirm.").waitFor();
    await page.getByLabel("Your password, to confirm").fill(fresh);
    await page.getByLabel("Type DELETE to confirm").fill("DELETE");
    await page.getByRole("button", { name: "Delete my account" }).click();
    await page.getByText("Your account is scheduled for deletion and every device was signed out.").waitFor();

    // Signing in again (the no-script sign-in) lands on the deletion page; keeping the account is a plain POST too.
    await page.getByLabel("Email").fill(newEmail);
    await page.getByLabel("Password", { exact: true }).fill(fresh);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL((url) => url.pathname === "/account/deletion");
    await page.getByRole("button", { name: "Keep my account" }).click();
    await page.waitForURL((url) => url.pathname === "/links");
    const db = createDatabase(cluster.env.DATABASE_URL ?? "");
    try {
      expect(await db.user.findUniqueOrThrow({ where: { email: newEmail } })).toMatchObject({ deletionScheduledFor: null });
    } finally {
      await db.$disconnect();
    }
  }, 180_000);
});
