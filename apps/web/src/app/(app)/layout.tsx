import { unstable_rethrow } from "next/navigation";
import type { ReactNode } from "react";
import { isOperator } from "~/server/require-user";
import { getCurrentUser } from "~/server/session";
import { AppShell, type ShellUser } from "./_components/app-shell";

/** Every signed-in area (links, system, account) inside one navigation frame. */
export default async function AppLayout({ children }: { children: ReactNode }) {
  return <AppShell user={await shellUser()}>{children}</AppShell>;
}

/**
 * Who the navigation shows. When sessions cannot be checked (Redis down) the
 * frame still renders, naming nobody (and without System); every signed-in
 * page checks the session itself and fails closed.
 */
async function shellUser(): Promise<ShellUser> {
  try {
    const user = await getCurrentUser();
    return user ? { name: user.name, email: user.email, operator: isOperator(user) } : null;
  } catch (error) {
    unstable_rethrow(error); // Next's own signals (dynamic rendering, redirects) are not failures.
    return "unknown";
  }
}
