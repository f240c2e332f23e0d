"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { Button } from "~/components/ui/button";
import { useTRPC } from "~/trpc/react";

/**
 * The landing page's way in. The page itself is static (built once, served
 * by every instance alike); only this corner asks, from the browser, whether
 * the visitor is signed in, and then offers their links instead.
 */
export function HeaderAccountLinks() {
  const trpc = useTRPC();
  const session = useQuery(trpc.auth.session.queryOptions(undefined, { staleTime: 0, retry: false }));
  if (session.data) {
    return (
      <Button asChild size="sm">
        <Link href="/links">Your links</Link>
      </Button>
    );
  }
  return (
    <>
      <Button asChild variant="ghost" size="sm">
        <Link href="/signin">Sign in</Link>
      </Button>
      <Button asChild size="sm">
        <Link href="/signup">Sign up</Link>
      </Button>
    </>
  );
}
