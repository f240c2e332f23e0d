"use client";

import * as CollapsiblePrimitive from "@radix-ui/react-collapsible";
import { ChevronRight } from "lucide-react";
import type { ComponentProps, ReactNode } from "react";
import { cn } from "~/lib/utils";

/**
 * A section that opens and closes under its heading button (Radix
 * Collapsible: a real button with aria-expanded and aria-controls, Enter and
 * Space toggle it, and the closed content leaves the tab order).
 */
export function CollapsibleSection({
  title,
  summary,
  open,
  onOpenChange,
  className,
  children,
  ...props
}: {
  title: ReactNode;
  /** What is set inside, shown beside the title while the section is closed. */
  summary?: ReactNode;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  className?: string;
  children: ReactNode;
} & Omit<ComponentProps<typeof CollapsiblePrimitive.Root>, "open" | "onOpenChange" | "title">) {
  return (
    <CollapsiblePrimitive.Root open={open} onOpenChange={onOpenChange} className={cn("rounded-lg border", className)} {...props}>
      <CollapsiblePrimitive.Trigger
        type="button"
        className="group flex w-full items-center gap-2 rounded-lg px-3 py-2.5 text-left text-sm font-medium hover:bg-accent focus-visible:outline-2 focus-visible:outline-ring sm:px-4"
      >
        <ChevronRight aria-hidden="true" className="size-4 shrink-0 text-muted-foreground transition-transform group-data-[state=open]:rotate-90" />
        <span>{title}</span>
        {summary && !open ? <span className="ml-auto min-w-0 truncate text-xs font-normal text-muted-foreground">{summary}</span> : null}
      </CollapsiblePrimitive.Trigger>
      <CollapsiblePrimitive.Content className="border-t px-3 py-4 sm:px-4">{children}</CollapsiblePrimitive.Content>
    </CollapsiblePrimitive.Root>
  );
}
