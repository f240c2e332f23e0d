import { z } from "zod";

/**
 * C0 controls (NUL to US, tab and line breaks included), DEL and the C1
 * controls: never meant in a one-line field, invisible on screen, and
 * PostgreSQL refuses NUL in text outright (a 500 before this check existed).
 */
const controlCharacter = /[\u0000-\u001f\u007f-\u009f]/;

export const controlCharacterMessage = "Remove control characters (such as NUL, tabs or line breaks)";

/** True when the text holds no control character. */
export function hasNoControlCharacters(value: string): boolean {
  return !controlCharacter.test(value);
}

/**
 * The start of every text field of Hop's inputs: a string without control
 * characters. Checked before `.trim()` and the rest, so a NUL or a line break
 * anywhere (ends included) is answered with this message.
 */
export function plainText() {
  return z.string().refine(hasNoControlCharacters, { message: controlCharacterMessage });
}
