import type { ComponentProps } from "react";
import { cn } from "~/lib/utils";

/** A form label: give it `htmlFor` the field's id (or wrap the field). */
export function Label({ className, ...props }: ComponentProps<"label">) {
  return (
    // biome-ignore lint/a11y/noLabelWithoutControl: the primitive itself; each caller passes htmlFor or wraps its field
    <label
      data-slot="label"
      className={cn(
        "flex items-center gap-2 text-sm leading-none font-medium select-none peer-disabled:cursor-not-allowed peer-disabled:opacity-55",
        className,
      )}
      {...props}
    />
  );
}

/** The line under a field: a hint, or the reason its value was refused (then give it `role="alert"` or reference it with aria-describedby). */
export function FieldMessage({ className, tone = "muted", ...props }: ComponentProps<"p"> & { tone?: "muted" | "error" }) {
  return <p data-slot="field-message" className={cn("text-[13px]", tone === "error" ? "text-destructive" : "text-muted-foreground", className)} {...props} />;
}
