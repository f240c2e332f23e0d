import Link from "next/link";
import type { ReactNode } from "react";
import { cn } from "~/lib/utils";
import { Logo } from "./logo";

/**
 * A page outside the app's navigation (sign-in, not found, an error): the
 * logo home, then one centred thing in `<main id="main">`, the skip link's target.
 */
export function StandalonePage({ children, className, mainClassName }: { children: ReactNode; className?: string; mainClassName?: string }) {
  return (
    <div className={cn("flex min-h-dvh flex-col", className)}>
      <header className="mx-auto flex h-16 w-full max-w-6xl items-center px-4 sm:px-6">
        <Link href="/" aria-label="Hop home" className="rounded-md">
          <Logo />
        </Link>
      </header>
      <main id="main" tabIndex={-1} className={cn("flex flex-1 items-center justify-center px-4 pb-24 outline-none", mainClassName)}>
        {children}
      </main>
    </div>
  );
}
