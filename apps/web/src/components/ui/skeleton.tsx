import type { ComponentProps } from "react";
import { cn } from "~/lib/utils";

/** A placeholder block; wrap a group of them in an element with `aria-busy` and a label for screen readers. */
export function Skeleton({ className, ...props }: ComponentProps<"div">) {
  return <div data-slot="skeleton" aria-hidden="true" className={cn("animate-pulse rounded-md bg-muted", className)} {...props} />;
}
