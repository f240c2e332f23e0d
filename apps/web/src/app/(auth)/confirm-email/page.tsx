import type { Metadata } from "next";
import Link from "next/link";
import { AuthCard } from "../_components/auth-card";
import { noScriptFormErrorMessage } from "../_components/no-script-errors";
import { ConfirmEmailForm } from "./confirm-email-form";

export const metadata: Metadata = { title: "Confirm your new email" };

export default async function ConfirmEmailPage({
  searchParams,
}: {
  searchParams: Promise<{ token?: string | string[]; confirmed?: string | string[]; error?: string | string[] }>;
}) {
  const { token, confirmed, error } = await searchParams;
  return (
    <AuthCard
      title="Confirm your new email"
      description="Your Hop account moves to this address once you confirm."
      footer={
        <>
          Link not working?{" "}
          <Link href="/account" className="font-medium text-brand underline-offset-4 hover:underline">
            Ask for a new one from your account
          </Link>
        </>
      }
    >
      <ConfirmEmailForm token={typeof token === "string" ? token : ""} confirmed={confirmed === "1"} initialError={noScriptFormErrorMessage(error)} />
    </AuthCard>
  );
}
