import { safeNextPath } from "@hop/validators";
import type { Metadata } from "next";
import Link from "next/link";
import { redirectIfSignedIn } from "~/server/require-user";
import { AuthCard } from "../_components/auth-card";
import { SignInForm } from "./sign-in-form";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string | string[] }> }) {
  const { next: nextParam } = await searchParams;
  const next = safeNextPath(typeof nextParam === "string" ? nextParam : null);
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
      <SignInForm next={next} />
    </AuthCard>
  );
}
