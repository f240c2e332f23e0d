"use client";

import { Check, Copy } from "lucide-react";
import { useEffect, useState } from "react";
import { Button, type ButtonProps } from "~/components/ui/button";
import { cn } from "~/lib/utils";

/** How long "Copied" stays before the button is back to normal. */
const copiedMs = 2_000;

/**
 * Copies `text` to the clipboard and says so: the icon turns into a check,
 * a visible "Copied" appears, and a live region announces it (the button's
 * own name stays the same, so focus is not disturbed).
 */
export function CopyButton({
  text,
  label,
  showText = false,
  className,
  ...props
}: { text: string; label: string; showText?: boolean } & Omit<ButtonProps, "onClick" | "children">) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  useEffect(() => {
    if (state === "idle") return;
    const timer = setTimeout(() => setState("idle"), copiedMs);
    return () => clearTimeout(timer);
  }, [state]);

  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setState("copied");
    } catch {
      // No permission, or not a secure context: say so rather than pretend.
      setState("failed");
    }
  }

  const status = state === "copied" ? "Copied" : state === "failed" ? "Could not copy" : "";
  return (
    <span className="inline-flex items-center gap-1.5">
      <Button
        type="button"
        variant="ghost"
        size={showText ? "sm" : "icon-sm"}
        aria-label={showText ? undefined : label}
        onClick={() => void copy()}
        className={cn(showText ? undefined : "size-7", className)}
        {...props}
      >
        {state === "copied" ? <Check aria-hidden="true" className="text-success" /> : <Copy aria-hidden="true" />}
        {/* Written out, so the button says what it copies ("Copy short link"), not just "Copy". */}
        {showText ? label : null}
      </Button>
      <span aria-live="polite" className={cn("text-xs font-medium", state === "failed" ? "text-destructive" : "text-success")}>
        {status}
      </span>
    </span>
  );
}
