import type { Metadata } from "next";
import { headers } from "next/headers";
import { Suspense } from "react";
import { requireSignedInUser } from "~/server/require-user";
import { getWebServices } from "~/server/services";
import { LinksPage } from "./_components/links-page";
import { LinksTableSkeleton } from "./_components/links-table";

export const metadata: Metadata = {
  title: "Links",
  description: "Your short links: create, edit, search, share as QR codes, delete.",
};

export default async function Links() {
  await requireSignedInUser("/links");
  // As the API writes short links: the operator's SHORT_LINK_BASE_URL, else the origin the browser used (server/request-origin.ts).
  const shortLinkOrigin = (getWebServices().env.SHORT_LINK_BASE_URL ?? (await headers()).get("x-hop-origin") ?? "").replace(/\/+$/, "");
  return (
    // The page reads its filters from the URL on the client, which Next wants inside a Suspense boundary.
    <Suspense fallback={<LinksTableSkeleton />}>
      <LinksPage shortLinkOrigin={shortLinkOrigin} />
    </Suspense>
  );
}
