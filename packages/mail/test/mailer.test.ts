import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMailer, mailEnvSchema, passwordResetMail, type MailMessage } from "../src";
import { startSmtpCatcher } from "./smtp-catcher";

let catcher: Awaited<ReturnType<typeof startSmtpCatcher>> | undefined;
beforeAll(async () => {
  catcher = await startSmtpCatcher();
});
afterAll(async () => {
  await catcher?.close();
});

describe("the mailer", () => {
  it("sends over SMTP when SMTP_URL is set, from MAIL_FROM, and logs nothing", async () => {
    if (!catcher) throw new Error("no SMTP catcher");
    const logged: MailMessage[] = [];
    const mailer = createMailer(mailEnvSchema.parse({ SMTP_URL: catcher.smtpUrl, MAIL_FROM: "Hop <no-reply@hop.example>" }), (m) => logged.push(m));
    try {
      expect(mailer.delivers).toBe(true);
      await mailer.send(passwordResetMail({ to: "ada@example.com", resetUrl: "https://hop.example/reset-password?token=abc", validMinutes: 30 }));
    } finally {
      mailer.close();
    }
    expect(logged).toEqual([]);
    const [mail] = catcher.mails;
    expect(mail?.to).toEqual(["ada@example.com"]);
    expect(mail?.raw).toContain("From: Hop <no-reply@hop.example>");
    expect(mail?.raw).toContain("Subject: Reset your Hop password");
    expect(mail?.body).toContain("https://hop.example/reset-password?token=abc");
  });

  it("without SMTP_URL, hands each message to the log and sends nothing", async () => {
    const logged: MailMessage[] = [];
    const mailer = createMailer(mailEnvSchema.parse({}), (m) => logged.push(m));
    expect(mailer.delivers).toBe(false);
    await mailer.send({ to: "ada@example.com", subject: "Hi", text: "body" });
    mailer.close();
    expect(logged).toEqual([{ to: "ada@example.com", subject: "Hi", text: "body" }]);
  });

  it("refuses a SMTP_URL that is not an smtp(s) URL", () => {
    expect(mailEnvSchema.safeParse({ SMTP_URL: "http://mail.example" }).success).toBe(false);
    expect(mailEnvSchema.safeParse({ SMTP_URL: "smtps://u:p@mail.example:465" }).success).toBe(true);
  });
});
