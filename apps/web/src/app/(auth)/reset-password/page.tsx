import type { Metadata } from "next";
import Link from "next/link";
import { AuthCard } from "../_components/auth-card";
import { noScriptFormErrorMessage } from "../_components/no-script-errors";
import { ResetPasswordForm } from "./reset-password-form";

export const metadata: Metadata = { title: "Choose a new password" };

export default async function ResetPasswordPage({ searchParams }: { searchParams: Promise<{ token?: string | string[]; error?: string | string[] }> }) {
  const { token, error } = await searchParams;
  return (
    <AuthCard
      title="Choose a new password"
      description="Once it is saved, every device signed in to your account is signed out, and you are signed in here."
      footer={
        <>
          Link not working?{" "}
          <Link href="/forgot-password" className="font-medium text-brand underline-offset-4 hover:underline">
            Ask for a new one
          </Link>
        </>
      }
    >
      <ResetPasswordForm token={typeof token === "string" ? token : ""} initialError={noScriptFormErrorMessage(error)} />
    </AuthCard>
  );
}
