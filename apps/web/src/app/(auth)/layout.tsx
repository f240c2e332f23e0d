import type { ReactNode } from "react";
import { StandalonePage } from "~/components/standalone-page";

/** Sign in and sign up: one centred card, nothing else to look at. */
export default function AuthLayout({ children }: { children: ReactNode }) {
  return (
    <StandalonePage className="bg-muted/30" mainClassName="items-start pt-6 pb-16 sm:items-center sm:pt-0">
      {children}
    </StandalonePage>
  );
}
