/**
 * What went wrong with a sign-in or sign-up sent without the page's script
 * (a plain form POST to /api/auth/<form>, answered with a redirect back to
 * the form): a code in the URL, shown as one of these fixed sentences. Never
 * the email or the password, and never text taken from the URL.
 */
export const noScriptFormErrors = {
  credentials: "Email or password is incorrect",
  invalid: "Enter a valid email address and a password (at least 10 characters for a new account).",
  taken: "An account with this email already exists. Sign in instead?",
  limited: "Too many attempts. Try again in a few minutes.",
  unavailable: "This cannot be done right now. Try again shortly.",
  retry: "This account's password was changed just now. Sign in again.",
  failed: "Something went wrong. Try again.",
} as const;

export type NoScriptFormError = keyof typeof noScriptFormErrors;

export function noScriptFormErrorMessage(code: string | string[] | undefined): string | null {
  return typeof code === "string" && Object.hasOwn(noScriptFormErrors, code) ? noScriptFormErrors[code as NoScriptFormError] : null;
}
