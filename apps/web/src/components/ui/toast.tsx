"use client";

import * as ToastPrimitive from "@radix-ui/react-toast";
import { X } from "lucide-react";
import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from "react";
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

/**
 * Short notices about something that just happened ("Link deleted", with
 * Undo), on Radix's Toast: announced politely, held while hovered or
 * focused, swipe to dismiss, and F8 moves focus to them.
 */
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
      <ToastPrimitive.Provider label="Notification" duration={6_000}>
        {children}
        {toasts.map((item) => (
          <ToastItem key={item.id} toast={item} onDismiss={() => dismiss(item.id)} />
        ))}
        <ToastPrimitive.Viewport className="fixed inset-x-0 bottom-0 z-60 m-0 flex list-none justify-center p-4 outline-none sm:left-auto sm:justify-end [&>li+li]:mt-2 sm:[&>li]:w-sm" />
      </ToastPrimitive.Provider>
    </ToastContext>
  );
}

export function useToast(): ToastApi {
  const api = useContext(ToastContext);
  if (!api) throw new Error("useToast must be used inside a ToastProvider");
  return api;
}

function ToastItem({ toast, onDismiss }: { toast: Toast; onDismiss: () => void }) {
  return (
    <ToastPrimitive.Root
      data-slot="toast"
      duration={toast.duration}
      onOpenChange={(open) => (open ? undefined : onDismiss())}
      className={cn(
        "flex w-full max-w-sm items-start gap-3 rounded-lg border bg-popover p-3 pl-4 text-sm text-popover-foreground shadow-lg",
        "data-[swipe=move]:translate-x-(--radix-toast-swipe-move-x) data-[swipe=end]:translate-x-(--radix-toast-swipe-end-x)",
        toast.tone === "success" && "border-success/40",
        toast.tone === "destructive" && "border-destructive/40 bg-destructive-soft text-destructive-soft-foreground",
      )}
    >
      <div className="flex min-w-0 flex-1 flex-col gap-0.5 py-1">
        <ToastPrimitive.Title className="font-medium">{toast.title}</ToastPrimitive.Title>
        {toast.description ? <ToastPrimitive.Description className="text-muted-foreground">{toast.description}</ToastPrimitive.Description> : null}
      </div>
      {toast.action ? (
        // altText: what a screen reader user is told to do instead, since the toast may be gone before they reach it.
        <ToastPrimitive.Action asChild altText={`${toast.action.label}: press F8 to reach the notification`}>
          <Button size="sm" variant="outline" onClick={() => toast.action?.onClick()}>
            {toast.action.label}
          </Button>
        </ToastPrimitive.Action>
      ) : null}
      <ToastPrimitive.Close asChild>
        <Button size="icon-sm" variant="ghost" aria-label="Dismiss notification">
          <X aria-hidden="true" />
        </Button>
      </ToastPrimitive.Close>
    </ToastPrimitive.Root>
  );
}
