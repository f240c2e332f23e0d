import { RotateCw, TriangleExclamationPoint } from "lucide-react";
import type { ComponentProps, ReactNode } from "react";
import { cn } from "~/lib/utils";
import { Button } from "./button";

export interface ErrorStateProps extends Omit<ComponentProps<"div">, "title"> {
  title?: ReactNode;
  /** What went wrong, in words the user can act on. */
  description?: ReactNode;
  /** Shows a "Try again" button that calls this. */
  onRetry?: () => void;
  /** True while the retry is in flight: the button spins. */
  retrying?: boolean;
  headingLevel?: "h2" | "h3" | "h4";
}

/** A part of the page that could not load, with a way to try again. Announced to screen readers. */
export function ErrorState({
  title = "Something went wrong",
  description,
  onRetry,
  retrying = false,
  headingLevel: Heading = "h3",
  className,
  ...props
}: ErrorStateProps) {
  return (
    <div role="alert" data-slot="error-state" className={cn("flex flex-col items-center justify-center px-6 py-12 text-center", className)} {...props}>
      <div aria-hidden="true" className="mb-4 flex size-12 items-center justify-center rounded-full bg-destructive-soft text-destructive-soft-foreground">
        <TriangleExclamationPoint className="size-6" />
      </div>
      <Heading className="text-base font-semibold tracking-tight">{title}</Heading>
      {description ? <div className="mt-1.5 max-w-md text-sm text-pretty text-muted-foreground">{description}</div> : null}
      {onRetry ? (
        <Button variant="outline" size="sm" className="mt-5" onClick={onRetry} loading={retrying}>
          {retrying ? null : <RotateCw aria-hidden="true" />}
          Try again
        </Button>
      ) : null}
    </div>
  );
}
