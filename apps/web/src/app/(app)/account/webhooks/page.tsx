import type { Metadata } from "next";
import { requireSignedInUser } from "~/server/require-user";
import { PageHeader } from "../../_components/page-header";
import { WebhooksPanel } from "./webhooks-panel";

export const metadata: Metadata = { title: "Webhooks", description: "Tell other systems when your links change or are clicked." };

export default async function WebhooksPage() {
  await requireSignedInUser("/account/webhooks");
  return (
    <div className="flex flex-col gap-6 sm:gap-8">
      <PageHeader
        title="Webhooks"
        description="Hop sends a signed POST (Standard Webhooks) to each endpoint when a link is created, changed, deleted or clicked (clicks batched each second)."
      />
      <WebhooksPanel />
    </div>
  );
}
