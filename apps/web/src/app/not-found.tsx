import { ArrowLeft } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { StandalonePage } from "~/components/standalone-page";
import { Button } from "~/components/ui/button";

export const metadata: Metadata = { title: "Page not found" };

export default function NotFound() {
  return (
    <StandalonePage>
      <div className="max-w-md text-center">
        <p className="font-mono text-sm font-semibold text-brand">404</p>
        <h1 className="mt-3 text-3xl font-semibold tracking-tight text-balance sm:text-4xl">This link hopped away</h1>
        <p className="mt-4 text-pretty text-muted-foreground">
          There is no page at this address. It may have moved, or the link that brought you here has a typo.
        </p>
        <div className="mt-8 flex flex-col justify-center gap-3 sm:flex-row">
          <Button asChild>
            <Link href="/">
              <ArrowLeft aria-hidden="true" />
              Back to the home page
            </Link>
          </Button>
        </div>
      </div>
    </StandalonePage>
  );
}
