import { emailSchema } from "@hop/validators";
import { z } from "zod";

/**
 * `OPERATOR_EMAILS`: the accounts that may see /system and call `system.*`,
 * comma-separated. Each entry is normalised exactly as sign-up normalises an
 * email (trimmed, lower case), so the comparison is with the stored address.
 * Empty or unset: nobody is an operator.
 */
export const operatorEmailsSchema = z
  .string()
  .transform((value, ctx): string[] => {
    const emails: string[] = [];
    for (const entry of value.split(",")) {
      if (entry.trim() === "") continue;
      const parsed = emailSchema.safeParse(entry);
      if (!parsed.success) {
        ctx.addIssue({ code: "custom", message: `must be comma-separated email addresses ("${entry.trim()}" is not one)` });
        return z.NEVER;
      }
      emails.push(parsed.data);
    }
    return [...new Set(emails)];
  })
  .default([]);

/** Whether an account's (stored, normalised) email is one of the operators'. */
export function isOperatorEmail(operatorEmails: readonly string[], email: string): boolean {
  return operatorEmails.includes(email.trim().toLowerCase());
}
