import type { ComponentProps, ReactNode } from "react";
import { cn } from "~/lib/utils";

export interface EmptyStateProps extends Omit<ComponentProps<"div">, "title"> {
  icon?: ReactNode;
  title: ReactNode;
  description?: ReactNode;
  /** Buttons or links that get the user out of the empty state. */
  action?: ReactNode;
  /** The heading level of the title, to fit the page's outline. */
  headingLevel?: "h2" | "h3" | "h4";
}

/** What a list shows when it has nothing in it: what would be here, and how to get some. */
export function EmptyState({ icon, title, description, action, headingLevel: Heading = "h3", className, ...props }: EmptyStateProps) {
  return (
    <div data-slot="empty-state" className={cn("flex flex-col items-center justify-center px-6 py-12 text-center", className)} {...props}>
      {icon ? (
        <div aria-hidden="true" className="mb-4 flex size-12 items-center justify-center rounded-full bg-muted text-muted-foreground [&_svg]:size-6">
          {icon}
        </div>
      ) : null}
      <Heading className="text-base font-semibold tracking-tight">{title}</Heading>
      {description ? <div className="mt-1.5 max-w-md text-sm text-pretty text-muted-foreground">{description}</div> : null}
      {action ? <div className="mt-5 flex flex-wrap items-center justify-center gap-2">{action}</div> : null}
    </div>
  );
}
