import { Download } from "lucide-react";
import { Button } from "~/components/ui/button";

/** Downloads of every link (tags and total clicks included), streamed by /api/export/links. */
export function ExportLinks() {
  return (
    <fieldset className="flex flex-wrap gap-2" aria-label="Export all links">
      <Button asChild variant="outline" size="sm">
        <a href="/api/export/links?format=csv" download>
          <Download aria-hidden="true" />
          Export CSV
        </a>
      </Button>
      <Button asChild variant="outline" size="sm">
        <a href="/api/export/links?format=json" download>
          <Download aria-hidden="true" />
          Export JSON
        </a>
      </Button>
    </fieldset>
  );
}
