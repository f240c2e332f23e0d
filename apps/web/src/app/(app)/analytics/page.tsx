import type { Metadata } from "next";
import { Suspense } from "react";
import { Skeleton } from "~/components/ui/skeleton";
import { requireSignedInUser } from "~/server/require-user";
import { PageHeader } from "../_components/page-header";
import { AnalyticsDashboard } from "./_components/analytics-dashboard";

export const metadata: Metadata = {
  title: "Analytics",
  description: "Clicks of all your links: where they come from, on what, through which referrer and campaign, live.",
};

export default async function Analytics() {
  await requireSignedInUser("/analytics");
  return (
    <div className="flex min-w-0 flex-col gap-6 sm:gap-8">
      <PageHeader title="Analytics" description="Every click of your links: where, who, from what. Bots are left out unless you ask; new clicks appear live." />
      {/* The view lives in the URL, which the page reads on the client: Next wants that inside a Suspense boundary. */}
      <Suspense fallback={<Skeleton className="h-96 rounded-xl" />}>
        <AnalyticsDashboard />
      </Suspense>
    </div>
  );
}
