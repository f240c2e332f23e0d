import type { ReactElement, ReactNode } from "react";
import { cloneElement } from "react";
import { FieldMessage, Label } from "~/components/ui/label";
import { cn } from "~/lib/utils";

interface ControlProps {
  id?: string;
  "aria-invalid"?: boolean;
  "aria-describedby"?: string;
}

/**
 * A label, one control and its line underneath. The control gets the id,
 * and when `error` is set `aria-invalid` and `aria-describedby` pointing at
 * the message, so a screen reader reads the reason with the field.
 */
export function FormField({
  id,
  label,
  hint,
  error,
  className,
  children,
}: {
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  error?: string | undefined;
  className?: string;
  children: ReactElement<ControlProps>;
}) {
  const messageId = error ? `${id}-error` : hint ? `${id}-hint` : undefined;
  return (
    <div className={cn("flex flex-col gap-1.5", className)}>
      <Label htmlFor={id}>{label}</Label>
      {cloneElement(children, { id, "aria-invalid": error ? true : undefined, "aria-describedby": messageId })}
      {error ? (
        <FieldMessage id={messageId} tone="error" data-testid={`${id}-error`}>
          {error}
        </FieldMessage>
      ) : hint ? (
        <FieldMessage id={messageId}>{hint}</FieldMessage>
      ) : null}
    </div>
  );
}
