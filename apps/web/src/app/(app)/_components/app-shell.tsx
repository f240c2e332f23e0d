"use client";

import { LogIn, LogOut, Menu, X } from "lucide-react";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useEffect, useId, useRef, useState, type ReactNode } from "react";
import { Logo } from "~/components/logo";
import { Button } from "~/components/ui/button";
import { cn } from "~/lib/utils";
import { isCurrentNavItem, visibleNavItems } from "./nav-items";
import { useSignOut } from "./use-sign-out";

/**
 * Who is signed in, as the navigation names them (and whether they are an
 * operator, who also sees System); null when nobody is, "unknown" when
 * sessions cannot be checked right now.
 */
export type ShellUser = { name: string | null; email: string; operator: boolean } | null | "unknown";

/**
 * The frame of every signed-in page: a sidebar on wide screens; on narrow
 * ones a top bar whose menu button opens the same navigation (Escape or a
 * click outside closes it, and focus returns to the button).
 */
export function AppShell({ user, children }: { user: ShellUser; children: ReactNode }) {
  const pathname = usePathname();
  const [menuOpen, setMenuOpen] = useState(false);
  const navId = useId();
  const menuButton = useRef<HTMLButtonElement>(null);

  // A navigation closes the menu: the page it opened is what the user wanted.
  const [lastPathname, setLastPathname] = useState(pathname);
  if (pathname !== lastPathname) {
    setLastPathname(pathname);
    setMenuOpen(false);
  }

  useEffect(() => {
    if (!menuOpen) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== "Escape") return;
      setMenuOpen(false);
      menuButton.current?.focus();
    };
    document.addEventListener("keydown", onKeyDown);
    return () => document.removeEventListener("keydown", onKeyDown);
  }, [menuOpen]);

  return (
    <div className="min-h-dvh lg:grid lg:grid-cols-[15.5rem_minmax(0,1fr)]">
      {/* On wide screens this column paints the sidebar's background the whole page down while the sidebar itself stays in view. */}
      <div className="contents lg:block lg:border-r lg:bg-muted/30">
        <aside className="relative z-40 border-b bg-background lg:sticky lg:top-0 lg:h-dvh lg:border-b-0 lg:bg-transparent">
          <div className="relative z-50 flex h-14 items-center justify-between gap-3 bg-background px-4 lg:h-16 lg:bg-transparent lg:px-5">
            <Link href="/" aria-label="Hop home" className="rounded-md">
              <Logo />
            </Link>
            <Button
              ref={menuButton}
              variant="ghost"
              size="icon"
              className="lg:hidden"
              aria-expanded={menuOpen}
              aria-controls={navId}
              aria-label="Menu"
              onClick={() => setMenuOpen((open) => !open)}
            >
              {menuOpen ? <X aria-hidden="true" className="size-5" /> : <Menu aria-hidden="true" className="size-5" />}
            </Button>
          </div>

          {menuOpen ? (
            <div aria-hidden="true" className="fixed inset-0 top-14 z-30 bg-foreground/20 backdrop-blur-[1px] lg:hidden" onClick={() => setMenuOpen(false)} />
          ) : null}

          <nav
            id={navId}
            aria-label="App"
            className={cn(
              "absolute inset-x-0 top-full z-40 border-b bg-background px-3 pt-2 pb-4 shadow-lg",
              "lg:static lg:block lg:border-b-0 lg:bg-transparent lg:px-3 lg:pt-4 lg:shadow-none",
              menuOpen ? "block" : "hidden",
            )}
          >
            {/* Signed out, the pages would only send the visitor to sign in: the navigation offers just that (below). */}
            {user === null ? null : <p className="px-3 pb-2 text-xs font-medium tracking-wide text-muted-foreground uppercase">Workspace</p>}
            <ul className="space-y-0.5">
              {visibleNavItems(user).map((item) => {
                const current = isCurrentNavItem(item, pathname);
                const Icon = item.icon;
                return (
                  <li key={item.href}>
                    <Link
                      href={item.href}
                      aria-current={current ? "page" : undefined}
                      className={cn(
                        "group flex items-center gap-3 rounded-md px-3 py-2 text-sm font-medium transition-colors",
                        current ? "bg-brand-soft text-brand-soft-foreground" : "text-muted-foreground hover:bg-accent hover:text-accent-foreground",
                      )}
                    >
                      <Icon
                        aria-hidden="true"
                        className={cn("size-4 shrink-0", current ? "text-brand" : "text-muted-foreground group-hover:text-foreground")}
                      />
                      {item.label}
                    </Link>
                  </li>
                );
              })}
            </ul>
            <ShellAccount user={user} />
          </nav>
        </aside>
      </div>

      <main id="main" tabIndex={-1} className="min-w-0 outline-none">
        <div className="mx-auto w-full max-w-7xl px-4 py-6 sm:px-6 sm:py-8 lg:px-10 lg:py-10">{children}</div>
      </main>
    </div>
  );
}

/** The foot of the navigation: who is signed in and a way out, or a way in. */
function ShellAccount({ user }: { user: ShellUser }) {
  const signOut = useSignOut();
  if (user === "unknown") return null;
  if (user === null) {
    return (
      <div className="mt-4 border-t px-3 pt-4 lg:mt-6">
        <Button asChild variant="outline" size="sm" className="w-full">
          <Link href="/signin">
            <LogIn aria-hidden="true" />
            Sign in
          </Link>
        </Button>
      </div>
    );
  }
  const displayName = user.name ?? user.email;
  return (
    <div className="mt-4 flex items-center gap-3 border-t px-3 pt-4 lg:mt-6">
      <span
        aria-hidden="true"
        className="flex size-8 shrink-0 items-center justify-center rounded-full bg-brand-soft text-xs font-semibold text-brand-soft-foreground uppercase"
      >
        {displayName.slice(0, 1)}
      </span>
      <div className="min-w-0 flex-1">
        <p className="truncate text-sm font-medium" title={displayName}>
          {displayName}
        </p>
        {user.name ? (
          <p className="truncate text-xs text-muted-foreground" title={user.email}>
            {user.email}
          </p>
        ) : null}
      </div>
      <Button variant="ghost" size="icon-sm" aria-label="Sign out" title="Sign out" loading={signOut.isPending} onClick={() => signOut.mutate()}>
        {signOut.isPending ? null : <LogOut aria-hidden="true" />}
      </Button>
    </div>
  );
}
