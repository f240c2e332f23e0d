// The schema walker alone (not the harness that starts servers): this file runs under mutation testing.
import { leavesOf } from "@hop/test-harness/zod-inputs";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import * as validators from "../src";
import { controlCharacterMessage, hasNoControlCharacters, plainText } from "../src/text";

// Issue 11, item 6: NUL in a title or a search was a 500 (PostgreSQL refuses
// 0x00 in text). Every text field of every input schema refuses control
// characters with one clear message; the schemas are walked, so a field
// added tomorrow is checked too.

/** Fields that keep any character, and why. */
const exempt: Record<string, string> = {
  "signInInput.password": "checked against a hash, never stored: refusing characters would lock out a password chosen before the rule",
  "changePasswordInput.currentPassword": "checked, never stored (as sign-in)",
  "unlockLinkInput.password": "checked, never stored (as sign-in)",
  "requestEmailChangeInput.password": "checked, never stored (as sign-in)",
  "deleteAccountInput.password": "checked, never stored (as sign-in)",
  "previewImportInput.content": "a whole CSV file: newlines and tabs are its structure; each field it yields meets these rules through links.create",
  "startImportInput.content": "a whole CSV file (as previewImportInput.content)",
};
/** URL fields have their own rules (WHATWG serialisation), not this helper's. */
const isUrlField = (name: string | undefined) => name !== undefined && /url$/i.test(name);

const inputSchemas = Object.entries(validators as Record<string, unknown>).flatMap(([name, value]) =>
  name.endsWith("Input") && value instanceof z.ZodType ? [[name, value] as const] : [],
);
const textFields = inputSchemas.flatMap(([schemaName, schema]) =>
  leavesOf(schema)
    .filter((leaf) => leaf.schema instanceof z.ZodString || leaf.schema instanceof z.ZodStringFormat)
    .filter((leaf) => !isUrlField(leaf.name))
    .map((leaf) => ({ field: `${schemaName}.${leaf.path.join(".")}`, schema: leaf.schema })),
);

describe("control characters in text input", () => {
  it("finds the text fields of every input schema", () => {
    expect(textFields.map(({ field }) => field)).toEqual(
      expect.arrayContaining([
        "createLinkInput.title",
        "listLinksInput.search",
        "createLinkInput.tags.0",
        "signUpInput.name",
        "signUpInput.email",
        "linkIdInput.id",
      ]),
    );
  });

  it.each(textFields.filter(({ field }) => !exempt[field]).map(({ field, schema }) => [field, schema] as const))(
    "%s refuses them with a clear message",
    (_field, schema) => {
      for (const value of ["a\u0000b", "\u0000", "tab\there", "line\nbreak", "cr\r", "esc\u001b[31m", "del\u007f", "c1\u0085"]) {
        const parsed = schema.safeParse(value);
        expect(parsed.success, JSON.stringify(value)).toBe(false);
        // A format (a uuid) refuses them by itself, with its own message.
        if (!(schema instanceof z.ZodStringFormat)) expect(parsed.error?.issues.map((issue) => issue.message)).toContain(controlCharacterMessage);
      }
    },
  );

  it.each(Object.keys(exempt))("%s (exempt) still exists, so that the exemption is not stale", (field) => {
    expect(textFields.map((candidate) => candidate.field)).toContain(field);
  });

  it("keeps everything else: accents, emoji, right-to-left text, spaces", () => {
    for (const value of ["Café crème", "🚀 launch", "שלום", "a b", "€ and ‽"]) expect(hasNoControlCharacters(value)).toBe(true);
    expect(plainText().trim().max(200).parse("  Café 🚀  ")).toBe("Café 🚀");
    expect(
      plainText()
        .safeParse("\u0000")
        .error?.issues.map((issue) => issue.message),
    ).toEqual([controlCharacterMessage]);
    expect(validators.createLinkInput.safeParse({ url: "https://example.com", title: "Café 🚀 ‏שלום", tags: ["été"] }).success).toBe(true);
  });

  it("answers the form with the message on the field", () => {
    const parsed = validators.createLinkInput.safeParse({ url: "https://example.com", title: "bad\u0000title" });
    expect(z.flattenError(parsed.error!).fieldErrors).toEqual({ title: [controlCharacterMessage] });
  });
});
