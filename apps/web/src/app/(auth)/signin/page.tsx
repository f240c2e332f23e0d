import type { Metadata } from "next";
import Link from "next/link";
import { redirectIfSignedIn } from "~/server/require-user";
import { AuthCard } from "../_components/auth-card";
import { nextPathFrom, type AuthSearchParams } from "../_components/next-path";
import { noScriptFormErrorMessage } from "../_components/no-script-errors";
import { SignInForm } from "./sign-in-form";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({ searchParams }: { searchParams: AuthSearchParams }) {
  const next = await nextPathFrom(searchParams);
  await redirectIfSignedIn(next);
  return (
    <AuthCard
      title="Sign in to Hop"
      description="Welcome back. Your links and their clicks are waiting."
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
