"use client";

import { X } from "lucide-react";
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { cn } from "~/lib/utils";
import { Button } from "./button";

export interface ToastOptions {
  title: ReactNode;
  description?: ReactNode;
  /** One button in the toast, e.g. "Undo"; clicking it also dismisses the toast. */
  action?: { label: string; onClick: () => void };
  tone?: "default" | "success" | "destructive";
  /** How long it stays, in ms; hovering or focusing it holds it. */
  duration?: number;
}

interface Toast extends ToastOptions {
  id: number;
}

interface ToastApi {
  toast: (options: ToastOptions) => number;
  dismiss: (id: number) => void;
}

const ToastContext = createContext<ToastApi | null>(null);

/** Short notices about something that just happened ("Link deleted", with Undo), in a live region at the bottom of the screen. */
export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const nextId = useRef(1);
  const dismiss = useCallback((id: number) => setToasts((current) => current.filter((toast) => toast.id !== id)), []);
  const toast = useCallback((options: ToastOptions) => {
    const id = nextId.current++;
    // Newest last, and only a few: a burst of notices should not cover the page.
    setToasts((current) => [...current, { ...options, id }].slice(-3));
    return id;
  }, []);
  const api = useMemo(() => ({ toast, dismiss }), [toast, dismiss]);
  return (
    <ToastContext value={api}>
      {children}
      {/* The region exists before any toast does, so screen readers announce what is added to it. */}
      <section aria-label="Notifications" className="pointer-events-none fixed inset-x-0 bottom-0 z-60 flex justify-center p-4 sm:justify-end">
        <ol aria-live="polite" className="flex w-full max-w-sm flex-col gap-2">
          {toasts.map((item) => (
            <ToastItem key={item.id} toast={item} onDismiss={() => dismiss(item.id)} />
          ))}
        </ol>
      </section>
    </ToastContext>
  );
}

export function useToast(): ToastApi {
  const api = useContext(ToastContext);
  if (!api) throw new Error("useToast must be used inside a ToastProvider");
  return api;
}

function ToastItem({ toast, onDismiss }: { toast: Toast; onDismiss: () => void }) {
  const [held, setHeld] = useState(false);
  const duration = toast.duration ?? 6_000;
  useEffect(() => {
    if (held) return;
    const timer = setTimeout(onDismiss, duration);
    return () => clearTimeout(timer);
  }, [held, duration, onDismiss]);
  return (
    <li
      data-slot="toast"
      role="status"
      onMouseEnter={() => setHeld(true)}
      onMouseLeave={() => setHeld(false)}
      onFocus={() => setHeld(true)}
      onBlur={() => setHeld(false)}
      className={cn(
        "pointer-events-auto flex items-start gap-3 rounded-lg border bg-popover p-3 pl-4 text-sm text-popover-foreground shadow-lg",
        toast.tone === "success" && "border-success/40",
        toast.tone === "destructive" && "border-destructive/40 bg-destructive-soft text-destructive-soft-foreground",
      )}
    >
      <div className="flex min-w-0 flex-1 flex-col gap-0.5 py-1">
        <p className="font-medium">{toast.title}</p>
        {toast.description ? <div className="text-muted-foreground">{toast.description}</div> : null}
      </div>
      {toast.action ? (
        <Button
          size="sm"
          variant="outline"
          onClick={() => {
            toast.action?.onClick();
            onDismiss();
          }}
        >
          {toast.action.label}
        </Button>
      ) : null}
      <Button size="icon-sm" variant="ghost" aria-label="Dismiss notification" onClick={onDismiss}>
        <X aria-hidden="true" />
      </Button>
    </li>
  );
}
