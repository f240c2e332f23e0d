import { z } from "zod";
import { plainText } from "./text";

export const emailSchema = plainText()
  .trim()
  .toLowerCase()
  .min(1, "Enter your email address")
  .max(254, "That email address is too long")
  .pipe(z.email("Enter a valid email address, like ada@example.com"));

export const newPasswordSchema = plainText().min(10, "Use at least 10 characters").max(128, "Use at most 128 characters");

const nameSchema = plainText().trim().max(80, "Use at most 80 characters");

export const signUpInput = z.object({
  email: emailSchema,
  password: newPasswordSchema,
  name: nameSchema.optional(),
});
export type SignUpInput = z.infer<typeof signUpInput>;

export const signInInput = z.object({
  email: emailSchema,
  // Passwords that are checked, not stored, take any character: refusing some here would lock out a password chosen before the rule.
  password: z.string().min(1, "Enter your password").max(128, "Use at most 128 characters"),
});
export type SignInInput = z.infer<typeof signInInput>;

export const changePasswordInput = z
  .object({
    currentPassword: z.string().min(1, "Enter your current password").max(128),
    newPassword: newPasswordSchema,
  })
  .refine((input) => input.currentPassword !== input.newPassword, {
    path: ["newPassword"],
    message: "Choose a password different from the current one",
  });
export type ChangePasswordInput = z.infer<typeof changePasswordInput>;

export const requestPasswordResetInput = z.object({ email: emailSchema });
export type RequestPasswordResetInput = z.infer<typeof requestPasswordResetInput>;

/** A reset token as mailed: 32 random bytes, base64url (43 characters). */
export const passwordResetTokenSchema = plainText()
  .length(43, "This reset link is not valid. Ask for a new one.")
  .regex(/^[A-Za-z0-9_-]{43}$/, "This reset link is not valid. Ask for a new one.");

export const resetPasswordInput = z.object({ token: passwordResetTokenSchema, newPassword: newPasswordSchema });
export type ResetPasswordInput = z.infer<typeof resetPasswordInput>;

/** The profile's editable part; an empty name clears it. */
export const updateProfileInput = z.object({ name: nameSchema });
export type UpdateProfileInput = z.infer<typeof updateProfileInput>;

/** A new email for the account: confirmed by the password now, and by a link mailed to the new address. */
export const requestEmailChangeInput = z.object({ newEmail: emailSchema, password: z.string().min(1, "Enter your password to confirm").max(128) });
export type RequestEmailChangeInput = z.infer<typeof requestEmailChangeInput>;

export const confirmEmailChangeInput = z.object({
  token: plainText()
    .length(43, "This confirmation link is not valid. Ask for a new one from your account page.")
    .regex(/^[A-Za-z0-9_-]{43}$/, "This confirmation link is not valid. Ask for a new one from your account page."),
});

/** What must be typed to confirm an account's deletion (any letter case). */
export const accountDeletionConfirmation = "DELETE";

/**
 * Deleting the account: the password again, so a session left open on a shared computer cannot do it, and the word
 * typed out, so it is never one click too many.
 */
export const deleteAccountInput = z.object({
  password: z.string().min(1, "Enter your password to confirm").max(128),
  confirmation: plainText()
    .max(64)
    .refine((typed) => typed.trim().toUpperCase() === accountDeletionConfirmation, { message: `Type ${accountDeletionConfirmation} to confirm` }),
});
export type DeleteAccountInput = z.infer<typeof deleteAccountInput>;

export const revokeSessionInput = z.object({ sessionId: plainText().min(1).max(64) });

/** A signed-in user as the UI sees them. */
export const meSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string().nullable(),
  sessionId: z.string(),
  /** When the account will be deleted, if its owner asked for that; null for an account in use. */
  deletionScheduledFor: z.date().nullable(),
});
export type Me = z.infer<typeof meSchema>;

/** One of a user's sessions, for the account page. */
export const sessionSummarySchema = z.object({
  id: z.string(),
  createdAt: z.iso.datetime(),
  lastSeenAt: z.iso.datetime(),
  /** "Firefox on Linux"; never the raw IP. */
  device: z.string(),
  current: z.boolean(),
});
export type SessionSummary = z.infer<typeof sessionSummarySchema>;

const ownOrigin = "http://hop.invalid";

/**
 * Where to go after signing in: only a path on this site (an open redirect
 * to another origin would let a link on any site phish through Hop). The
 * value is resolved the way a browser resolves it, after refusing what
 * browsers rewrite first (tabs and newlines dropped, `\` read as `/`:
 * `/\t/evil.example` is `//evil.example`), and also encoded slashes that a
 * later decoding step could turn into the same.
 */
export function safeNextPath(next: string | null | undefined, fallback = "/links"): string {
  if (!next || next.length > 2048 || !next.startsWith("/")) return fallback;
  if (/[\u0000-\u001f\u007f\\]/.test(next)) return fallback;
  let decoded: string;
  try {
    decoded = decodeURIComponent(next);
  } catch {
    return fallback;
  }
  if (/^\/[\\/]|[\u0000-\u001f\u007f\\]/.test(decoded)) return fallback;
  const url = new URL(next, ownOrigin);
  // "/.//x" resolves to the path "//x", which a browser would read as another host.
  if (url.origin !== ownOrigin || url.pathname.startsWith("//")) return fallback;
  return `${url.pathname}${url.search}${url.hash}`;
}
