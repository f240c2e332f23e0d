import type { Me } from "@hop/validators";
import { redirect } from "next/navigation";
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
  return user;
}

/** For the sign-in and sign-up pages: a signed-in visitor goes straight on to where they were headed. */
export async function redirectIfSignedIn(next: string): Promise<void> {
  if (await getCurrentUser()) redirect(next);
}
