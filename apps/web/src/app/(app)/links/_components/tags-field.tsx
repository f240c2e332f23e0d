"use client";

import { maxTagsPerLink as maxTags, tagNameSchema } from "@hop/validators";
import { Plus, X } from "lucide-react";
import { useState, type KeyboardEvent } from "react";
import { Badge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { Input } from "~/components/ui/input";
import { FieldMessage, Label } from "~/components/ui/label";

/** Tags as removable chips, added with Enter, a comma or the Add button; existing tags are suggested. */
export function TagsField({
  id,
  tags,
  onChange,
  suggestions,
  error,
}: {
  id: string;
  tags: string[];
  onChange: (tags: string[]) => void;
  suggestions: string[];
  error: string | undefined;
}) {
  const [draft, setDraft] = useState("");
  const [draftError, setDraftError] = useState<string | null>(null);
  const full = tags.length >= maxTags;
  const message = draftError ?? error;
  const messageId = `${id}-${message ? "error" : "hint"}`;

  function add() {
    const parsed = tagNameSchema.safeParse(draft);
    if (!parsed.success) {
      setDraftError(parsed.error.issues[0]?.message ?? "This tag cannot be used");
      return;
    }
    if (!tags.includes(parsed.data)) onChange([...tags, parsed.data]);
    setDraft("");
    setDraftError(null);
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    // Enter would submit the whole form; here it means "add this tag".
    if (event.key === "Enter" || event.key === ",") {
      event.preventDefault();
      if (draft.trim()) add();
    } else if (event.key === "Backspace" && draft === "" && tags.length > 0) {
      onChange(tags.slice(0, -1));
    }
  }

  return (
    <div className="flex flex-col gap-1.5">
      <Label htmlFor={id}>Tags</Label>
      {tags.length > 0 ? (
        <ul className="flex flex-wrap gap-1.5" aria-label="Tags of this link">
          {tags.map((tag) => (
            <li key={tag}>
              <Badge variant="secondary" className="gap-0.5 py-0 pr-0.5">
                {tag}
                <button
                  type="button"
                  aria-label={`Remove tag ${tag}`}
                  onClick={() => onChange(tags.filter((other) => other !== tag))}
                  className="rounded-full p-0.5 hover:bg-accent focus-visible:outline-2 focus-visible:outline-ring"
                >
                  <X aria-hidden="true" />
                </button>
              </Badge>
            </li>
          ))}
        </ul>
      ) : null}
      <div className="flex gap-2">
        <Input
          id={id}
          value={draft}
          onChange={(event) => {
            setDraft(event.target.value);
            setDraftError(null);
          }}
          onKeyDown={onKeyDown}
          disabled={full}
          placeholder={full ? `${maxTags} tags is the most` : "Add a tag"}
          list={`${id}-suggestions`}
          maxLength={32}
          aria-invalid={message ? true : undefined}
          aria-describedby={messageId}
        />
        <datalist id={`${id}-suggestions`}>
          {suggestions
            .filter((name) => !tags.includes(name))
            .map((name) => (
              <option key={name} value={name} />
            ))}
        </datalist>
        <Button type="button" variant="outline" onClick={add} disabled={full || !draft.trim()}>
          <Plus aria-hidden="true" />
          Add
        </Button>
      </div>
      {message ? (
        <FieldMessage id={messageId} tone="error" data-testid={`${id}-error`}>
          {message}
        </FieldMessage>
      ) : (
        <FieldMessage id={messageId}>
          {tags.length} of {maxTags}. Press Enter or comma to add.
        </FieldMessage>
      )}
    </div>
  );
}
