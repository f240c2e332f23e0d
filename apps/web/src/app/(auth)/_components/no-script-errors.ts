/**
 * What went wrong with an account form sent without the page's script (a
 * plain form POST to /api/auth/<form>, answered with a redirect back to the
 * form): a code in the URL, shown as one of these fixed sentences. Never the
 * email or the password, and never text taken from the URL.
 */
export const noScriptFormErrors = {
  credentials: "Email or password is incorrect",
  invalid: "Enter a valid email address and a password (at least 10 characters for a new account).",
  taken: "An account with this email already exists. Sign in instead?",
  limited: "Too many attempts. Try again in a few minutes.",
  unavailable: "This cannot be done right now. Try again shortly.",
  retry: "This account's password was changed just now. Sign in again.",
  failed: "Something went wrong. Try again.",
  email: "Enter a valid email address, like ada@example.com.",
  "reset-link": "This reset link has expired or was already used. Ask for a new one.",
  "new-password": "Choose a new password of 10 to 128 characters, without control characters.",
  "confirm-link": "This confirmation link has expired or was already used. Ask for a new one from your account page.",
  "new-email": "Enter a valid new email address, different from your current one and not used by another account.",
  password: "That is not your password.",
  confirmation: "Type DELETE to confirm.",
  "signed-out": "Sign in again to do this.",
  scheduled: "This account is scheduled for deletion. Keep the account to use it again.",
} as const;

export type NoScriptFormError = keyof typeof noScriptFormErrors;

export function noScriptFormErrorMessage(code: string | string[] | undefined): string | null {
  return typeof code === "string" && Object.hasOwn(noScriptFormErrors, code) ? noScriptFormErrors[code as NoScriptFormError] : null;
}
