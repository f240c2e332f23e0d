import type { ReactNode } from "react";
import { AppShell } from "./_components/app-shell";

/** Every signed-in area (links, analytics, system, account) inside one navigation frame. */
export default function AppLayout({ children }: { children: ReactNode }) {
  return <AppShell>{children}</AppShell>;
}
