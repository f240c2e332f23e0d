import { useId, type ComponentProps, type ReactNode } from "react";
import { cn } from "~/lib/utils";
import { Input } from "./input";
import { FieldMessage, Label } from "./label";

export interface TextFieldProps extends Omit<ComponentProps<"input">, "id"> {
  label: ReactNode;
  /** The reason the value was refused; marks the field invalid and is read out with it. */
  error?: string | undefined;
  /** A hint under the field while it has no error. */
  hint?: ReactNode;
  /** Something beside the label on the right, such as a "Forgot?" link. */
  labelAside?: ReactNode;
}

/** A labelled input with its hint or error underneath, wired for screen readers (aria-invalid, aria-describedby). */
export function TextField({ label, error, hint, labelAside, className, ...inputProps }: TextFieldProps) {
  const id = useId();
  const messageId = `${id}-message`;
  const message = error ?? hint;
  return (
    <div className={cn("grid gap-2", className)}>
      <div className="flex items-center justify-between gap-2">
        <Label htmlFor={id}>{label}</Label>
        {labelAside}
      </div>
      <Input id={id} aria-invalid={error ? true : undefined} aria-describedby={message ? messageId : undefined} {...inputProps} />
      {message ? (
        <FieldMessage id={messageId} tone={error ? "error" : "muted"}>
          {message}
        </FieldMessage>
      ) : null}
    </div>
  );
}
