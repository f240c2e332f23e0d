"use client";

import { redirectStatuses, type RedirectStatusCode } from "@hop/validators";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { CircleCheck, TriangleAlert } from "lucide-react";
import { useState, type FormEvent } from "react";
import { Alert, AlertDescription, AlertTitle } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { Dialog, DialogClose, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "~/components/ui/dialog";
import { CollapsibleSection } from "~/components/ui/collapsible";
import { Input, InputWithPrefix } from "~/components/ui/input";
import { Select } from "~/components/ui/select";
import { fieldErrorsFromApi, type FieldErrors } from "~/lib/form-errors";
import { useFocusFirstInvalid } from "~/lib/use-focus-first-invalid";
import { describeApiError } from "~/trpc/errors";
import { useTRPC } from "~/trpc/react";
import { CopyButton } from "./copy-button";
import { FormField } from "~/components/ui/form-field";
import {
  emptyFormValues,
  formValuesFromLink,
  toCreateInput,
  toDateTimeLocal,
  toUpdateInput,
  validateForm,
  type LinkFormValues,
  type PasswordMode,
} from "./link-form-values";
import { TagsField } from "./tags-field";
import type { Link } from "./types";
import { UtmFields } from "./utm-fields";

const redirectStatusHelp: Record<RedirectStatusCode, string> = {
  302: "Temporary (the default). Browsers ask Hop on every click, so every click is counted and edits apply at once.",
  301: "Permanent. Browsers may cache it and skip Hop next time: later clicks go uncounted and a changed target may never reach them.",
  307: "Temporary, and the browser keeps the request method (a form POST stays a POST). Not cached.",
  308: "Permanent, keeping the request method. Like 301, browsers may cache it: later clicks and edits can be missed.",
};

/** The fields inside "More options": a refused value there opens the section, so its message is seen. */
const advancedFields = ["expiresAt", "expiredUrl", "password", "redirectStatus", "utm"] as const;

function hasAdvancedError(errors: FieldErrors): boolean {
  return Object.entries(errors).some(([key, message]) => message && advancedFields.some((field) => key === field || key.startsWith(`${field}.`)));
}

/** What "More options" holds, named while the section is closed (empty when nothing is set). */
function advancedSummary(values: LinkFormValues, link: Link | null): string {
  const parts: string[] = [];
  if (values.expiresAt) parts.push("Expiry");
  if (link?.hasPassword ? values.passwordMode !== "remove" : values.password) parts.push("Password");
  if (values.redirectStatus !== "302") parts.push(values.redirectStatus);
  if (Object.values(values.utm).some((value) => value.trim())) parts.push("UTM");
  return parts.join(" · ");
}

/**
 * Creating a link (`link` null) or editing one, with every option. The
 * shared zod schema checks the form before it is sent; what only the server
 * can know (a taken slug) comes back as field errors shown the same way.
 */
export function LinkFormDialog({
  open,
  onOpenChange,
  link,
  tagSuggestions,
  shortLinkOrigin,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  link: Link | null;
  tagSuggestions: string[];
  /** Where short links are served (`https://hop.example`), shown in front of the slug. */
  shortLinkOrigin: string;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [values, setValues] = useState<LinkFormValues>(() => (link ? formValuesFromLink(link) : emptyFormValues()));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [created, setCreated] = useState<Link | null>(null);
  const { formRef, focusFirstInvalid } = useFocusFirstInvalid();
  // Closed for a new link (the URL is all most links need); open when editing a link that uses any of these options.
  const [advancedOpen, setAdvancedOpen] = useState(() => link !== null && advancedSummary(formValuesFromLink(link), link) !== "");
  // The link's own origin when editing (it is what was shared), else where new links are served.
  const slugPrefix = `${(link ? link.shortUrl.slice(0, -(link.slug.length + 1)) : shortLinkOrigin).replace(/^https?:\/\//, "")}/`;

  const onSuccess = async (saved: Link) => {
    await queryClient.invalidateQueries({ queryKey: trpc.links.pathKey() });
    if (link) onOpenChange(false);
    else setCreated(saved);
  };
  const onError = (error: unknown) => {
    const fieldErrors = fieldErrorsFromApi(error);
    if (fieldErrors) {
      setErrors(fieldErrors);
      if (hasAdvancedError(fieldErrors)) setAdvancedOpen(true);
      focusFirstInvalid();
      return;
    }
    // A rate limit's message already says how long to wait.
    setFormError(describeApiError(error).message);
  };
  const create = useMutation(trpc.links.create.mutationOptions({ onSuccess, onError }));
  const update = useMutation(trpc.links.update.mutationOptions({ onSuccess, onError }));
  const pending = create.isPending || update.isPending;

  function set<K extends keyof LinkFormValues>(key: K, value: LinkFormValues[K]) {
    setValues((current) => ({ ...current, [key]: value }));
    // A field being corrected no longer needs its old complaint.
    setErrors((current) => (current[key] ? { ...current, [key]: undefined } : current));
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    setFormError(null);
    const clientErrors = validateForm(link, values);
    setErrors(clientErrors);
    if (Object.keys(clientErrors).length > 0) {
      if (hasAdvancedError(clientErrors)) setAdvancedOpen(true);
      focusFirstInvalid();
      return;
    }
    if (link) update.mutate(toUpdateInput(link, values));
    else create.mutate(toCreateInput(values));
  }

  function createAnother() {
    setCreated(null);
    setValues(emptyFormValues());
    setErrors({});
    setAdvancedOpen(false);
    create.reset();
  }

  const hasExpiry = values.expiresAt !== "";
  const status = Number(values.redirectStatus) as RedirectStatusCode;

  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent className="max-w-2xl" aria-describedby="link-form-description">
        {created ? (
          <CreatedLink link={created} onCreateAnother={createAnother} />
        ) : (
          <>
            <DialogHeader>
              <DialogTitle>{link ? `Edit ${link.slug}` : "Create a short link"}</DialogTitle>
              <DialogDescription id="link-form-description">
                {link ? "Changes apply from the very next click on your short link." : "Only the URL is required; everything else is optional."}
              </DialogDescription>
            </DialogHeader>
            <form ref={formRef} noValidate onSubmit={submit} className="flex flex-col gap-5" aria-label={link ? "Edit link" : "Create link"}>
              {formError ? (
                <Alert variant="destructive">
                  <TriangleAlert aria-hidden="true" />
                  <AlertTitle>{link ? "The link was not saved" : "The link was not created"}</AlertTitle>
                  <AlertDescription>{formError}</AlertDescription>
                </Alert>
              ) : null}

              <FormField id="link-url" label="Destination URL" error={errors.url}>
                <Input
                  type="url"
                  inputMode="url"
                  autoComplete="off"
                  placeholder="https://example.com/a/long/page"
                  value={values.url}
                  onChange={(event) => set("url", event.target.value)}
                  autoFocus
                />
              </FormField>

              <div className="grid grid-cols-1 gap-5 sm:grid-cols-2">
                <FormField
                  id="link-slug"
                  label="Custom slug"
                  hint={link ? "Changing it breaks links already shared." : "Leave empty for a generated one."}
                  error={errors.slug}
                >
                  <InputWithPrefix
                    prefix={slugPrefix}
                    autoComplete="off"
                    spellCheck={false}
                    placeholder={link ? undefined : "spring-sale"}
                    value={values.slug}
                    onChange={(event) => set("slug", event.target.value)}
                    maxLength={64}
                  />
                </FormField>
                <FormField id="link-title" label="Title" hint="Leave empty to use the page's own title." error={errors.title}>
                  <Input value={values.title} onChange={(event) => set("title", event.target.value)} maxLength={200} />
                </FormField>
              </div>

              <TagsField id="link-tags" tags={values.tags} onChange={(tags) => set("tags", tags)} suggestions={tagSuggestions} error={errors.tags} />

              <CollapsibleSection
                title="More options"
                summary={advancedSummary(values, link) || "Expiry, password, redirect, UTM"}
                open={advancedOpen}
                onOpenChange={setAdvancedOpen}
                data-testid="link-advanced"
              >
                <div className="flex flex-col gap-5">
                  <fieldset className="grid grid-cols-1 gap-4 rounded-lg border p-3 sm:grid-cols-2 sm:p-4">
                    <legend className="px-1 text-sm font-medium">Expiry</legend>
                    <FormField id="link-expires-at" label="Expires at" hint="Your local time. Leave empty to never expire." error={errors.expiresAt}>
                      <Input
                        type="datetime-local"
                        min={toDateTimeLocal(new Date())}
                        value={values.expiresAt}
                        onChange={(event) => set("expiresAt", event.target.value)}
                      />
                    </FormField>
                    <FormField
                      id="link-expired-url"
                      label="Fallback URL once expired"
                      hint={hasExpiry ? "Without one, visitors see “link expired”." : "Set an expiry time first."}
                      error={errors.expiredUrl}
                    >
                      <Input
                        type="url"
                        inputMode="url"
                        placeholder="https://example.com/offer-ended"
                        value={values.expiredUrl}
                        onChange={(event) => set("expiredUrl", event.target.value)}
                        disabled={!hasExpiry}
                      />
                    </FormField>
                  </fieldset>

                  <div className="grid grid-cols-1 gap-5 sm:grid-cols-2">
                    <PasswordField
                      link={link}
                      values={values}
                      error={errors.password}
                      onMode={(mode) => set("passwordMode", mode)}
                      onPassword={(password) => set("password", password)}
                    />
                    <FormField id="link-redirect-status" label="Redirect status" hint={redirectStatusHelp[status]} error={errors.redirectStatus}>
                      <Select value={values.redirectStatus} onChange={(event) => set("redirectStatus", event.target.value as LinkFormValues["redirectStatus"])}>
                        {[302, ...redirectStatuses.filter((code) => code !== 302)].map((code) => (
                          <option key={code} value={code}>
                            {code} {code === 301 || code === 308 ? "permanent" : "temporary"}
                            {code === 302 ? " (default)" : ""}
                          </option>
                        ))}
                      </Select>
                    </FormField>
                  </div>

                  <UtmFields url={values.url} utm={values.utm} onChange={(key, value) => set("utm", { ...values.utm, [key]: value })} errors={errors} />
                </div>
              </CollapsibleSection>

              <DialogFooter>
                <DialogClose asChild>
                  <Button type="button" variant="outline">
                    Cancel
                  </Button>
                </DialogClose>
                <Button type="submit" loading={pending}>
                  {link ? "Save changes" : "Create link"}
                </Button>
              </DialogFooter>
            </form>
          </>
        )}
      </DialogContent>
    </Dialog>
  );
}

function PasswordField({
  link,
  values,
  error,
  onMode,
  onPassword,
}: {
  link: Link | null;
  values: LinkFormValues;
  error: string | undefined;
  onMode: (mode: PasswordMode) => void;
  onPassword: (password: string) => void;
}) {
  const input = (
    <Input type="password" autoComplete="new-password" value={values.password} onChange={(event) => onPassword(event.target.value)} maxLength={128} />
  );
  if (!link?.hasPassword) {
    return (
      <FormField id="link-password" label="Password" hint="Visitors must enter it before the redirect. Leave empty for none." error={error}>
        {input}
      </FormField>
    );
  }
  return (
    <div className="flex flex-col gap-3">
      <FormField id="link-password-mode" label="Password">
        <Select value={values.passwordMode} onChange={(event) => onMode(event.target.value as PasswordMode)}>
          <option value="keep">Keep the current password</option>
          <option value="change">Change the password</option>
          <option value="remove">Remove the password</option>
        </Select>
      </FormField>
      {values.passwordMode === "change" ? (
        <FormField id="link-password" label="New password" hint="Visitors who unlocked it must enter the new one." error={error}>
          {input}
        </FormField>
      ) : null}
    </div>
  );
}

function CreatedLink({ link, onCreateAnother }: { link: Link; onCreateAnother: () => void }) {
  return (
    <>
      <DialogHeader>
        <DialogTitle className="flex items-center gap-2">
          <CircleCheck aria-hidden="true" className="size-5 text-success" />
          Your short link is ready
        </DialogTitle>
        <DialogDescription id="link-form-description">It works right away: copy it and share it.</DialogDescription>
      </DialogHeader>
      <div className="flex flex-col gap-2 rounded-lg border bg-muted/50 p-3 sm:flex-row sm:items-center sm:justify-between">
        <a
          href={link.shortUrl}
          target="_blank"
          rel="noreferrer"
          className="font-medium break-all text-brand underline-offset-4 hover:underline"
          data-testid="created-short-url"
        >
          {link.shortUrl}
        </a>
        <CopyButton text={link.shortUrl} label="Copy short link" showText variant="outline" />
      </div>
      <p className="text-sm break-all text-muted-foreground">Goes to {link.destinationUrl}</p>
      <DialogFooter>
        <Button type="button" variant="outline" onClick={onCreateAnother}>
          Create another
        </Button>
        <DialogClose asChild>
          <Button type="button">Done</Button>
        </DialogClose>
      </DialogFooter>
    </>
  );
}
