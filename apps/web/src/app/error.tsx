"use client";

import { House, RotateCw } from "lucide-react";
import Link from "next/link";
import { useEffect } from "react";
import { StandalonePage } from "~/components/standalone-page";
import { Button } from "~/components/ui/button";

/**
 * Shown when a page fails while rendering. Server errors arrive without their
 * message (Next keeps details on the server): the digest matches the server's
 * log line.
 */
export default function ErrorPage({ error, retry }: { error: unknown; retry: () => void }) {
  const digest = error instanceof Error && "digest" in error && typeof error.digest === "string" ? error.digest : undefined;

  useEffect(() => {
    console.error(error);
  }, [error]);

  return (
    <StandalonePage>
        <div role="alert" className="max-w-md text-center">
          <p className="font-mono text-sm font-semibold text-destructive">Error</p>
          <h1 className="mt-3 text-3xl font-semibold tracking-tight text-balance sm:text-4xl">Something went wrong on our side</h1>
          <p className="mt-4 text-pretty text-muted-foreground">
            This page could not be shown. Nothing you did caused it; trying again usually helps. If it keeps happening, the operator of this Hop can look it up
            in the logs{digest ? " with the reference below" : ""}.
          </p>
          {digest ? (
            <p className="mt-3 text-sm text-muted-foreground">
              Reference: <code className="rounded bg-muted px-1.5 py-0.5 font-mono text-foreground">{digest}</code>
            </p>
          ) : null}
          <div className="mt-8 flex flex-col justify-center gap-3 sm:flex-row">
            <Button onClick={() => retry()}>
              <RotateCw aria-hidden="true" />
              Try again
            </Button>
            <Button asChild variant="outline">
              <Link href="/">
                <House aria-hidden="true" />
                Home page
              </Link>
            </Button>
          </div>
        </div>
    </StandalonePage>
  );
}
