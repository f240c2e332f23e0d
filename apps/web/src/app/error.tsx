"use client";

import { House, RotateCw } from "lucide-react";
import Link from "next/link";
import { useEffect } from "react";
import { StandalonePage } from "~/components/standalone-page";
import { Button } from "~/components/ui/button";
import { sessionsUnavailableDigest } from "~/lib/error-digests";

/**
 * Shown when a page fails while rendering. Server errors arrive without their
 * message (Next keeps details on the server): the digest matches the server's
 * log line, or names an error the server threw on purpose (lib/error-digests).
 */
export default function ErrorPage({ error, retry }: { error: unknown; retry: () => void }) {
  const digest = error instanceof Error && "digest" in error && typeof error.digest === "string" ? error.digest : undefined;
  const sessionsUnavailable = digest === sessionsUnavailableDigest;

  useEffect(() => {
    console.error(error);
  }, [error]);

  return (
    <StandalonePage>
      <div role="alert" className="max-w-md text-center">
        <p className="font-mono text-sm font-semibold text-destructive">{sessionsUnavailable ? "Temporarily unavailable" : "Error"}</p>
        {sessionsUnavailable ? (
          <>
            <h1 className="mt-3 text-3xl font-semibold tracking-tight text-balance sm:text-4xl">Sign-in cannot be checked right now</h1>
            <p className="mt-4 text-pretty text-muted-foreground">
              Hop cannot reach its session store, so it cannot tell whether you are signed in, and shows nothing rather than guess. Your links and data are
              safe, and short links keep redirecting. Try again in a moment.
            </p>
          </>
        ) : (
          <>
            <h1 className="mt-3 text-3xl font-semibold tracking-tight text-balance sm:text-4xl">Something went wrong on our side</h1>
            <p className="mt-4 text-pretty text-muted-foreground">
              This page could not be shown. Nothing you did caused it; trying again usually helps. If it keeps happening, the operator of this Hop can look it
              up in the logs{digest ? " with the reference below" : ""}.
            </p>
            {digest ? (
              <p className="mt-3 text-sm text-muted-foreground">
                Reference: <code className="rounded bg-muted px-1.5 py-0.5 font-mono text-foreground">{digest}</code>
              </p>
            ) : null}
          </>
        )}
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
