import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "~/components/ui/card";
import { accountDeletionPath } from "~/server/require-user";
import { getCurrentUser } from "~/server/session";
import { PageHeader } from "../../_components/page-header";
import { SignOutButton } from "../_components/sign-out-button";
import { KeepAccountForm } from "./keep-account-form";

export const metadata: Metadata = { title: "Account scheduled for deletion", description: "Keep your account, or leave it to be deleted." };

/** The date in words every reader reads the same (the mail says it in UTC too). */
function formatDeletionDate(date: Date): string {
  return `${date.toLocaleString("en-GB", { dateStyle: "long", timeStyle: "short", timeZone: "UTC" })} UTC`;
}

/**
 * Where the owner of an account scheduled for deletion lands after signing in
 * (every signed-in page sends them here): the date, what it means, and the two
 * ways on: keep the account, or sign out and let it go.
 */
export default async function AccountDeletionPage() {
  const user = await getCurrentUser();
  if (!user) redirect(`/signin?next=${encodeURIComponent(accountDeletionPath)}`);
  if (!user.deletionScheduledFor) redirect("/account");
  const date = formatDeletionDate(user.deletionScheduledFor);
  return (
    <div className="flex flex-col gap-6 sm:gap-8">
      <PageHeader title="Your account is scheduled for deletion" description={`${user.email} will be deleted on ${date}.`} />
      <Card>
        <CardHeader>
          <CardTitle>Keep your account?</CardTitle>
          <CardDescription>
            Until {date} you can keep it: your links start working again at once, with their clicks and statistics. After that date the account, its links,
            clicks, tags and API tokens are deleted for good.
          </CardDescription>
        </CardHeader>
        <CardContent className="flex flex-wrap gap-3">
          <KeepAccountForm />
          <SignOutButton />
        </CardContent>
      </Card>
    </div>
  );
}
