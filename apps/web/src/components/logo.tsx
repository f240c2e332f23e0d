import type { ComponentProps } from "react";
import { cn } from "~/lib/utils";

/** Hop's mark: a link hopping from one place to another. Decorative; pair it with the word "Hop". */
export function LogoMark({ className, ...props }: ComponentProps<"svg">) {
  return (
    <svg viewBox="0 0 32 32" aria-hidden="true" focusable="false" className={cn("size-7", className)} {...props}>
      <rect width="32" height="32" rx="9" className="fill-brand" />
      <path
        d="M8.5 19.5C10 9 22 9 23.5 19.5"
        fill="none"
        strokeWidth="2.6"
        strokeLinecap="round"
        strokeDasharray="0.1 4.6"
        strokeDashoffset={-4.6}
        className="stroke-brand-foreground/70"
      />
      <circle cx="8.5" cy="19.5" r="2.3" className="fill-brand-foreground/80" />
      <circle cx="23.5" cy="19.5" r="3.1" className="fill-brand-foreground" />
    </svg>
  );
}

/** The mark and the name, as a home link's content. */
export function Logo({ className, ...props }: ComponentProps<"span">) {
  return (
    <span className={cn("inline-flex items-center gap-2 text-lg font-semibold tracking-tight", className)} {...props}>
      <LogoMark />
      <span>Hop</span>
    </span>
  );
}
