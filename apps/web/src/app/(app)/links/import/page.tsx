import type { Metadata } from "next";
import { requireSignedInUser } from "~/server/require-user";
import { PageHeader } from "../../_components/page-header";
import { ApiImportCard } from "./_components/api-import-card";
import { ImportFlow } from "./_components/import-flow";

export const metadata: Metadata = {
  title: "Import links",
  description: "Bring your links from dub, Shlink or Bitly: upload their CSV export, check the mapping, import.",
};

export default async function ImportPage() {
  await requireSignedInUser("/links/import");
  return (
    <div className="flex flex-col gap-6 sm:gap-8">
      <PageHeader
        title="Import links"
        description="Upload a CSV export from dub, Shlink or Bitly (or any CSV with a URL column). You see what will happen to each row before anything is created."
      />
      <ImportFlow />
      <ApiImportCard />
    </div>
  );
}
