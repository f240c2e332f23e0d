import nodemailer from "nodemailer";
import { z } from "zod";

/**
 * Mail settings, from the environment only. Without SMTP_URL nothing is sent:
 * each message is written to the log instead (nodemailer's jsonTransport), so
 * `pnpm dev` can walk through a password reset without a mail server.
 */
export const mailEnvSchema = z.object({
  /** smtp:// or smtps:// URL with credentials, e.g. smtps://user:pass@smtp.example:465; unset = mail goes to the log. */
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/[^\s]+$/, "must be an smtp:// or smtps:// URL, e.g. smtps://user:password@smtp.example:465")
    .optional(),
  /** The From of every mail Hop sends. */
  MAIL_FROM: z.string().min(3).max(254).default("Hop <hop@localhost>"),
});
export type MailEnv = z.infer<typeof mailEnvSchema>;

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  /** Whether messages leave the machine (SMTP_URL set) or only reach the log. */
  readonly delivers: boolean;
  send(message: MailMessage): Promise<void>;
  close(): void;
}

/** Where a message went when no SMTP server is configured: the caller logs it. */
export type MailLogger = (message: MailMessage) => void;

export function createMailer(env: MailEnv, logUndelivered: MailLogger): Mailer {
  const transport = env.SMTP_URL ? nodemailer.createTransport(env.SMTP_URL) : nodemailer.createTransport({ jsonTransport: true });
  return {
    delivers: env.SMTP_URL !== undefined,
    async send(message) {
      await transport.sendMail({ from: env.MAIL_FROM, to: message.to, subject: message.subject, text: message.text });
      if (!env.SMTP_URL) logUndelivered(message);
    },
    close: () => transport.close(),
  };
}

/** The password-reset mail: the link and how long it lasts, nothing that helps if the mail is read by someone else later. */
export function passwordResetMail(input: { to: string; resetUrl: string; validMinutes: number }): MailMessage {
  return {
    to: input.to,
    subject: "Reset your Hop password",
    text: [
      "Someone (hopefully you) asked to reset the password of your Hop account.",
      "",
      `Choose a new password here (the link works once, for ${input.validMinutes} minutes):`,
      input.resetUrl,
      "",
      "Resetting signs you out everywhere. If you did not ask for this, ignore this mail: your password stays as it is.",
    ].join("\n"),
  };
}

/** The mail to a new address: following its link is what changes the account's email. */
export function emailChangeMail(input: { to: string; confirmUrl: string; validMinutes: number }): MailMessage {
  return {
    to: input.to,
    subject: "Confirm your new Hop email",
    text: [
      "Someone (hopefully you) asked to use this address for a Hop account.",
      "",
      `Confirm it here (the link works once, for ${input.validMinutes} minutes):`,
      input.confirmUrl,
      "",
      "Until it is confirmed, the account keeps its old email. If you did not ask for this, ignore this mail.",
    ].join("\n"),
  };
}

/**
 * The mail to the account's current address when a new one is asked for: a
 * warning, no link that changes anything (the change needs the new address's
 * own link), and what to do if it was not the owner.
 */
export function emailChangeNoticeMail(input: { to: string; newEmail: string; accountUrl: string }): MailMessage {
  return {
    to: input.to,
    subject: "Your Hop email is being changed",
    text: [
      `Someone (hopefully you) asked to move your Hop account from this address to ${input.newEmail}.`,
      "",
      "Nothing changes until the link mailed to that address is followed. If this was you, there is nothing to do here.",
      "",
      "If it was not you, someone knows your password: sign in and change your password now (that also ends every other session),",
      `then check your email on the account page: ${input.accountUrl}`,
    ].join("\n"),
  };
}

/** The mail that confirms a deletion request: the date, and how to keep the account until then. */
export function accountDeletionScheduledMail(input: { to: string; deletionScheduledFor: string; signInUrl: string }): MailMessage {
  const when = new Date(input.deletionScheduledFor);
  const date = `${when.toISOString().slice(0, 16).replace("T", " ")} UTC`;
  return {
    to: input.to,
    subject: "Your Hop account will be deleted",
    text: [
      `Your Hop account is scheduled for deletion on ${date}.`,
      "Its short links have stopped working, and every device was signed out.",
      "",
      "On that date the account, its links, their clicks and statistics, tags and API tokens are deleted for good.",
      "",
      `To keep your account, sign in before then and choose "Keep my account": ${input.signInUrl}`,
      "Your links will work again at once.",
      "",
      "If you did not ask for this, sign in, keep the account, and change your password.",
    ].join("\n"),
  };
}
