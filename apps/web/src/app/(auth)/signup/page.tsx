import type { Metadata } from "next";
import Link from "next/link";
import { redirectIfSignedIn } from "~/server/require-user";
import { AuthCard } from "../_components/auth-card";
import { nextPathFrom, type AuthSearchParams } from "../_components/next-path";
import { noScriptFormErrorMessage } from "../_components/no-script-errors";
import { SignUpForm } from "./sign-up-form";

export const metadata: Metadata = { title: "Sign up" };

export default async function SignUpPage({ searchParams }: { searchParams: AuthSearchParams }) {
  const next = await nextPathFrom(searchParams);
  await redirectIfSignedIn(next);
  return (
    <AuthCard
      title="Create your Hop account"
      description="Shorten links, share them, and watch the clicks arrive."
      footer={
        <>
          Already have an account?{" "}
          <Link href={`/signin?next=${encodeURIComponent(next)}`} className="font-medium text-brand underline-offset-4 hover:underline">
            Sign in
          </Link>
        </>
      }
    >
      <SignUpForm next={next} initialError={noScriptFormErrorMessage((await searchParams).error)} />
    </AuthCard>
  );
}
