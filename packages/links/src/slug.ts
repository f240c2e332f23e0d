import { customAlphabet } from "nanoid";

/**
 * Letters and digits that cannot be mistaken for one another when read aloud
 * or typed from a printout: no 0/O/o, 1/l/I/i, 5/S, 2/Z, u/v.
 */
export const slugAlphabet = "346789abcdefghjkmnpqrtwxyACDEFGHJKLMNPQRTWXY";

/** 7 characters of 44: about 2.7e11 slugs, so a collision (retried) is rare even with millions of links. */
export const generatedSlugLength = 7;

const generate = customAlphabet(slugAlphabet, generatedSlugLength);

export function generateSlug(): string {
  return generate();
}
