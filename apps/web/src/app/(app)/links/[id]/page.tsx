import type { Metadata } from "next";
import { requireSignedInUser } from "~/server/require-user";
import { LinkStatsPage } from "./_components/link-stats-page";

export const metadata: Metadata = { title: "Link stats", description: "One short link's clicks: where, who, from what, live." };

export default async function LinkStats({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  await requireSignedInUser(`/links/${encodeURIComponent(id)}`);
  return <LinkStatsPage id={id} />;
}
