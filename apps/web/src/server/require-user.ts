import { isOperatorEmail } from "@hop/api/operators";
import type { Me } from "@hop/validators";
import { redirect } from "next/navigation";
import { getWebServices } from "./services";
import { getCurrentUser } from "./session";

/**
 * For a signed-in page's server component: the user, or a redirect to the
 * sign-in page that comes back to `returnTo` afterwards.
 *
 *   const user = await requireSignedInUser("/links");
 */
export async function requireSignedInUser(returnTo: string): Promise<Me> {
  const user = await getCurrentUser();
  if (!user) redirect(`/signin?next=${encodeURIComponent(returnTo)}`);
  // An account scheduled for deletion can only be kept or left: its owner is asked which first.
  if (user.deletionScheduledFor) redirect(accountDeletionPath);
  return user;
}

/** The page an account scheduled for deletion is sent to: the date, "Keep my account", "Sign out". */
export const accountDeletionPath = "/account/deletion";

/** For the sign-in and sign-up pages: a signed-in visitor goes straight on to where they were headed. */
export async function redirectIfSignedIn(next: string): Promise<void> {
  if (await getCurrentUser()) redirect(next);
}

/** Whether the signed-in user is an operator: their account's email is in OPERATOR_EMAILS (the same check as `system.*`). */
export function isOperator(user: Pick<Me, "email">): boolean {
  return isOperatorEmail(getWebServices().env.OPERATOR_EMAILS, user.email);
}
