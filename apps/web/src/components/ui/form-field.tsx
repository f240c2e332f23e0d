import { cloneElement, useId, type ComponentProps, type ReactElement, type ReactNode } from "react";
import { cn } from "~/lib/utils";
import { Input } from "./input";
import { FieldMessage, Label } from "./label";

interface ControlProps {
  id?: string;
  "aria-invalid"?: boolean;
  "aria-describedby"?: string;
}

/**
 * A label, one control (input, select, textarea) and its line underneath.
 * The control gets the id, and when `error` is set `aria-invalid` and
 * `aria-describedby` pointing at the message, so a screen reader reads the
 * reason with the field.
 */
export function FormField({
  id,
  label,
  hint,
  error,
  labelAside,
  className,
  children,
}: {
  id: string;
  label: ReactNode;
  /** A line under the field while it has no error. */
  hint?: ReactNode;
  /** The reason the value was refused. */
  error?: string | undefined;
  /** Something on the label's line, at the right. */
  labelAside?: ReactNode;
  className?: string;
  children: ReactElement<ControlProps>;
}) {
  const messageId = error ? `${id}-error` : hint ? `${id}-hint` : undefined;
  return (
    <div className={cn("flex flex-col gap-1.5", className)}>
      {labelAside ? (
        <div className="flex items-center justify-between gap-2">
          <Label htmlFor={id}>{label}</Label>
          {labelAside}
        </div>
      ) : (
        <Label htmlFor={id}>{label}</Label>
      )}
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

export interface TextFieldProps extends Omit<ComponentProps<"input">, "id"> {
  label: ReactNode;
  error?: string | undefined;
  hint?: ReactNode;
  labelAside?: ReactNode;
}

/** The common case of a FormField: a text input with an id of its own. */
export function TextField({ label, error, hint, labelAside, className, ...inputProps }: TextFieldProps) {
  const id = useId();
  return (
    <FormField id={id} label={label} error={error} hint={hint} labelAside={labelAside} className={className}>
      <Input {...inputProps} />
    </FormField>
  );
}
