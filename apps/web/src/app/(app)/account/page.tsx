import type { Metadata } from "next";
import { requireSignedInUser } from "~/server/require-user";
import { PageHeader } from "../_components/page-header";
import { ApiKeysCard } from "./_components/api-keys-card";
import { ChangePasswordCard } from "./_components/change-password-card";
import { DeleteAccountCard } from "./_components/delete-account-card";
import { ProfileCard } from "./_components/profile-card";
import { SessionsCard } from "./_components/sessions-card";
import { SignOutButton } from "./_components/sign-out-button";

export const metadata: Metadata = { title: "Account", description: "Your profile, where you are signed in, your password and your API keys." };

export default async function AccountPage() {
  const user = await requireSignedInUser("/account");
  return (
    <div className="flex flex-col gap-6 sm:gap-8">
      <PageHeader
        title="Account"
        description="Your profile, the devices signed in to your account, your password and your API keys."
        actions={<SignOutButton />}
      />
      <ProfileCard name={user.name} email={user.email} />
      <SessionsCard />
      <ChangePasswordCard />
      <ApiKeysCard />
      <DeleteAccountCard />
    </div>
  );
}
