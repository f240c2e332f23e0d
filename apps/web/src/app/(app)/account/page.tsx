import type { Metadata } from "next";
import { requireSignedInUser } from "~/server/require-user";
import { getWebServices } from "~/server/services";
import { noScriptFormErrorMessage } from "../../(auth)/_components/no-script-errors";
import { PageHeader } from "../_components/page-header";
import { ApiKeysCard } from "./_components/api-keys-card";
import { ChangePasswordCard } from "./_components/change-password-card";
import { DeleteAccountCard } from "./_components/delete-account-card";
import { ExportsCard } from "./_components/exports-card";
import { ProfileCard } from "./_components/profile-card";
import { SessionsCard } from "./_components/sessions-card";
import { SignOutButton } from "./_components/sign-out-button";
import { WebhooksLinkCard } from "./_components/webhooks-link-card";

export const metadata: Metadata = { title: "Account", description: "Your profile, where you are signed in, your password and your API keys." };

/** What the forms sent without script come back with (see /api/auth/[form]): which form to show open, and its outcome. */
type AccountSearchParams = Promise<{ open?: string | string[]; error?: string | string[]; notice?: string | string[] }>;

export default async function AccountPage({ searchParams }: { searchParams: AccountSearchParams }) {
  const user = await requireSignedInUser("/account");
  const { open, error, notice } = await searchParams;
  const formError = noScriptFormErrorMessage(error);
  return (
    <div className="flex flex-col gap-6 sm:gap-8">
      <PageHeader
        title="Account"
        description="Your profile, the devices signed in to your account, and your password and your API keys."
        actions={<SignOutButton />}
      />
      <ProfileCard
        key={open === "email" ? "email-open" : "closed"}
        name={user.name}
        email={user.email}
        emailChange={{ open: open === "email", error: open === "email" ? formError : null, sent: notice === "email-change-sent" }}
      />
      <SessionsCard />
      <ChangePasswordCard />
      <ApiKeysCard />
      <ExportsCard />
      <WebhooksLinkCard />
      <DeleteAccountCard
        key={open === "delete" ? "open" : "closed"}
        graceDays={getWebServices().env.ACCOUNT_DELETION_GRACE_DAYS}
        open={open === "delete"}
        initialError={open === "delete" ? formError : null}
      />
    </div>
  );
}
