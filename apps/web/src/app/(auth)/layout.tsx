import Link from "next/link";
import type { ReactNode } from "react";
import { Logo } from "~/components/logo";

/** Sign in and sign up: one centred card, nothing else to look at. */
export default function AuthLayout({ children }: { children: ReactNode }) {
  return (
    <div className="flex min-h-dvh flex-col bg-muted/30">
      <header className="mx-auto flex h-16 w-full max-w-6xl items-center px-4 sm:px-6">
        <Link href="/" aria-label="Hop home" className="rounded-md">
          <Logo />
        </Link>
      </header>
      <main id="main" tabIndex={-1} className="flex flex-1 items-start justify-center px-4 pt-6 pb-16 outline-none sm:items-center sm:pt-0">
        {children}
      </main>
    </div>
  );
}
