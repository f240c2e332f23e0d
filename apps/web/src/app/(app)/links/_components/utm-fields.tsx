"use client";

import { utmKeys } from "@hop/validators";
import { Input } from "~/components/ui/input";
import { FieldMessage } from "~/components/ui/label";
import { FormField } from "~/components/ui/form-field";
import type { FieldErrors } from "~/lib/form-errors";
import { previewDestination, type UtmKey } from "./link-form-values";

const utmLabels: Record<UtmKey, { label: string; placeholder: string }> = {
  source: { label: "Source", placeholder: "newsletter" },
  medium: { label: "Medium", placeholder: "email" },
  campaign: { label: "Campaign", placeholder: "spring-sale" },
  term: { label: "Term", placeholder: "running shoes" },
  content: { label: "Content", placeholder: "header-link" },
};

/** The five UTM parameters, and the address visitors will really land on, updated as you type. */
export function UtmFields({
  url,
  utm,
  onChange,
  errors,
}: {
  url: string;
  utm: Record<UtmKey, string>;
  onChange: (key: UtmKey, value: string) => void;
  errors: FieldErrors;
}) {
  const preview = previewDestination(url, utm);
  return (
    <fieldset className="flex flex-col gap-3 rounded-lg border p-3 sm:p-4">
      <legend className="px-1 text-sm font-medium">UTM parameters</legend>
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
        {utmKeys.map((key) => (
          <FormField
            key={key}
            id={`link-utm-${key}`}
            label={utmLabels[key].label}
            error={errors[`utm.${key}`]}
            className={key === "content" ? "sm:col-span-2" : undefined}
          >
            <Input value={utm[key]} onChange={(event) => onChange(key, event.target.value)} placeholder={utmLabels[key].placeholder} maxLength={200} />
          </FormField>
        ))}
      </div>
      {errors.utm ? <FieldMessage tone="error">{errors.utm}</FieldMessage> : null}
      <div className="flex flex-col gap-1">
        <p className="text-xs font-medium text-muted-foreground" id="link-utm-preview-label">
          Visitors land on
        </p>
        <output
          aria-labelledby="link-utm-preview-label"
          data-testid="utm-preview"
          className="rounded-md bg-muted px-2.5 py-2 font-mono text-xs break-all text-foreground"
        >
          {preview ?? "Enter a URL above to see the final address"}
        </output>
      </div>
    </fieldset>
  );
}
