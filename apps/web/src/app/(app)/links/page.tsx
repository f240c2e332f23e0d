import type { Metadata } from "next";
import { Suspense } from "react";
import { requireSignedInUser } from "~/server/require-user";
import { LinksPage } from "./_components/links-page";
import { LinksTableSkeleton } from "./_components/links-table";

export const metadata: Metadata = {
  title: "Links",
  description: "Your short links: create, edit, search, share as QR codes, delete.",
};

export default async function Links() {
  await requireSignedInUser("/links");
  return (
    // The page reads its filters from the URL on the client, which Next wants inside a Suspense boundary.
    <Suspense fallback={<LinksTableSkeleton />}>
      <LinksPage />
    </Suspense>
  );
}
