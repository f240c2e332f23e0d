import type { Metadata } from "next";
import Link from "next/link";
import { AuthCard } from "../_components/auth-card";
import { noScriptFormErrorMessage } from "../_components/no-script-errors";
import { ForgotPasswordForm } from "./forgot-password-form";

export const metadata: Metadata = { title: "Forgot password" };

export default async function ForgotPasswordPage({ searchParams }: { searchParams: Promise<{ sent?: string | string[]; error?: string | string[] }> }) {
  const { sent, error } = await searchParams;
  return (
    <AuthCard
      title="Forgot your password?"
      description="Enter your account's email. We'll mail you a link to choose a new password."
      footer={
        <>
          Remembered it?{" "}
          <Link href="/signin" className="font-medium text-brand underline-offset-4 hover:underline">
            Sign in
          </Link>
        </>
      }
    >
      <ForgotPasswordForm sent={sent === "1"} initialError={noScriptFormErrorMessage(error)} />
    </AuthCard>
  );
}
