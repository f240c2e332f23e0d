import type { Metadata } from "next";
import Link from "next/link";
import { accountDeletionPath, redirectIfSignedIn } from "~/server/require-user";
import { AuthCard } from "../_components/auth-card";
import { nextPathFrom, type AuthSearchParams } from "../_components/next-path";
import { noScriptFormErrorMessage } from "../_components/no-script-errors";
import { SignInForm } from "./sign-in-form";

export const metadata: Metadata = { title: "Sign in" };

/** Why a visitor sent here from a signed-in page is asked to sign in: named after where they were going. */
function reasonFor(next: string): string {
  if (next === accountDeletionPath) return "Your account is scheduled for deletion and every device was signed out. Sign in before the date to keep it.";
  if (next.startsWith("/account")) return "Sign in to manage your account.";
  if (next.startsWith("/system")) return "Sign in with an operator's account to see the system page.";
  if (next.startsWith("/links/")) return "Sign in to see this link's clicks.";
  return "Sign in to see your links.";
}

export default async function SignInPage({ searchParams }: { searchParams: AuthSearchParams }) {
  const next = await nextPathFrom(searchParams);
  await redirectIfSignedIn(next);
  const sentHere = typeof (await searchParams).next === "string";
  return (
    <AuthCard
      title="Sign in to Hop"
      description={sentHere ? reasonFor(next) : "Welcome back. Your links and their clicks are waiting."}
      footer={
        <>
          New to Hop?{" "}
          <Link href={`/signup?next=${encodeURIComponent(next)}`} className="font-medium text-brand underline-offset-4 hover:underline">
            Create an account
          </Link>
        </>
      }
    >
      <SignInForm next={next} initialError={noScriptFormErrorMessage((await searchParams).error)} />
    </AuthCard>
  );
}
