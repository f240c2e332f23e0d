import type { ComponentProps } from "react";
import { cn } from "~/lib/utils";

/** A text field; set `aria-invalid` and `aria-describedby` (pointing at the field's message) when its value is refused. */
export function Input({ className, type = "text", ...props }: ComponentProps<"input">) {
  return (
    <input
      data-slot="input"
      type={type}
      className={cn(
        "flex h-9 w-full min-w-0 rounded-md border border-input bg-card px-3 py-1 text-sm shadow-xs transition-[color,box-shadow,border-color]",
        "placeholder:text-muted-foreground file:border-0 file:bg-transparent file:text-sm file:font-medium",
        "focus-visible:border-ring focus-visible:ring-3 focus-visible:ring-ring/25 focus-visible:outline-none",
        "disabled:cursor-not-allowed disabled:opacity-55",
        "aria-invalid:border-destructive aria-invalid:focus-visible:ring-destructive/25",
        className,
      )}
      {...props}
    />
  );
}

/**
 * A text field with fixed text in front of it, such as the short link's
 * origin before its slug. The prefix is part of the field's box but not of
 * its value; the field's own props (id, aria-*) go to the input itself.
 */
export function InputWithPrefix({ prefix, className, ...props }: ComponentProps<"input"> & { prefix: string }) {
  return (
    <div
      className={cn(
        "flex h-9 w-full min-w-0 items-stretch overflow-hidden rounded-md border border-input bg-card shadow-xs transition-[color,box-shadow,border-color]",
        "focus-within:border-ring focus-within:ring-3 focus-within:ring-ring/25",
        "has-aria-invalid:border-destructive has-aria-invalid:focus-within:ring-destructive/25",
        className,
      )}
    >
      <span className="flex max-w-[55%] shrink-0 items-center border-r bg-muted/50 px-2.5 text-sm text-muted-foreground select-none" data-slot="input-prefix">
        <span className="truncate" title={prefix}>
          {prefix}
        </span>
      </span>
      <input data-slot="input" className="min-w-0 flex-1 bg-transparent px-3 py-1 text-sm outline-none placeholder:text-muted-foreground" {...props} />
    </div>
  );
}
