import { ChevronDown } from "lucide-react";
import type { ComponentProps } from "react";
import { cn } from "~/lib/utils";

/**
 * A native `<select>` in the look of `Input`. Native on purpose: the phone's
 * own picker, type-ahead and screen-reader support come for free. Set
 * `aria-invalid` and `aria-describedby` like on an Input.
 */
export function Select({ className, containerClassName, children, ...props }: ComponentProps<"select"> & { containerClassName?: string }) {
  return (
    <div data-slot="select-container" className={cn("relative", containerClassName)}>
      <select
        data-slot="select"
        className={cn(
          "flex h-9 w-full min-w-0 appearance-none rounded-md border border-input bg-card py-1 pr-9 pl-3 text-sm shadow-xs transition-[color,box-shadow,border-color]",
          "focus-visible:border-ring focus-visible:ring-3 focus-visible:ring-ring/25 focus-visible:outline-none",
          "disabled:cursor-not-allowed disabled:opacity-55",
          "aria-invalid:border-destructive aria-invalid:focus-visible:ring-destructive/25",
          className,
        )}
        {...props}
      >
        {children}
      </select>
      <ChevronDown aria-hidden="true" className="pointer-events-none absolute top-1/2 right-3 size-4 -translate-y-1/2 text-muted-foreground" />
    </div>
  );
}
