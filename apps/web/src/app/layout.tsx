import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";
import { TRPCReactProvider } from "~/trpc/react";
import "~/styles/globals.css";

export const metadata: Metadata = {
  title: { default: "Hop: short links, clear analytics, your own servers", template: "%s · Hop" },
  description:
    "Hop is a self-hostable link shortener with click analytics and QR codes. It needs only PostgreSQL and Redis, and runs as any number of stateless instances.",
  applicationName: "Hop",
};

export const viewport: Viewport = {
  colorScheme: "light dark",
  themeColor: [
    { media: "(prefers-color-scheme: light)", color: "#fcfcfd" },
    { media: "(prefers-color-scheme: dark)", color: "#141318" },
  ],
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-dvh bg-background font-sans text-foreground antialiased">
        {/* The first stop for keyboard users: jumps over the navigation to the page's <main id="main">. */}
        <a
          href="#main"
          className="sr-only rounded-md bg-brand px-4 py-2 text-sm font-medium text-brand-foreground shadow-lg focus-visible:not-sr-only focus-visible:fixed focus-visible:top-3 focus-visible:left-3 focus-visible:z-100"
        >
          Skip to content
        </a>
        <TRPCReactProvider>{children}</TRPCReactProvider>
      </body>
    </html>
  );
}
