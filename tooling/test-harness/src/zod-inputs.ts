import { randomUUID } from "node:crypto";
import { z } from "zod";

/**
 * Inputs built from a zod schema's own shape, for tests that walk every
 * procedure: a value the schema accepts, the places in it where one field
 * sits, and values around and outside each field's rules. zod-fast-check
 * would build valid values only (and targets zod 3); the point here is the
 * invalid ones.
 */

export type InputPath = ReadonlyArray<string | number>;

export interface InputLeaf {
  path: InputPath;
  /** The field's own schema, wrappers (optional, nullable, default) removed. */
  schema: z.ZodType;
  /** The last key of the path that is a name (the field's name). */
  name: string | undefined;
}

/** Removes optional, nullable, default, readonly and catch wrappers. */
export function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (;;) {
    if (current instanceof z.ZodOptional || current instanceof z.ZodNullable || current instanceof z.ZodDefault || current instanceof z.ZodReadonly) {
      current = current.def.innerType as z.ZodType;
    } else if (current instanceof z.ZodPipe) {
      current = current.def.in as z.ZodType;
    } else {
      return current;
    }
  }
}

/** The object's fields, or null when the schema (unwrapped) is not an object. */
export function objectShape(schema: z.ZodType): Record<string, z.ZodType> | null {
  const inner = unwrap(schema);
  return inner instanceof z.ZodObject ? (inner.shape as Record<string, z.ZodType>) : null;
}

/** A field name that holds a URL (built as one; its rules are the URL schema's). */
const urlField = /url$/i;

type StringSchema = z.ZodString | z.ZodStringFormat;

function isString(schema: z.ZodType): schema is StringSchema {
  return schema instanceof z.ZodString || schema instanceof z.ZodStringFormat;
}

function validString(schema: StringSchema, name: string | undefined): string {
  if (schema.format === "email" || (name && /email/i.test(name))) return `fuzz-${randomUUID().slice(0, 8)}@example.com`;
  if (schema.format === "uuid") return randomUUID();
  // A typed confirmation (deleting an account) accepts one word.
  if (name === "confirmation") return "DELETE";
  if (name && urlField.test(name)) return "https://example.com/fuzz";
  if (name && /^time_?zone$/i.test(name)) return "UTC";
  const min = schema.minLength ?? 0;
  const base = "fuzzvalue";
  return base.repeat(Math.ceil(Math.max(min, 1) / base.length)).slice(0, Math.max(min, Math.min(base.length, schema.maxLength ?? base.length)));
}

/**
 * A value the schema likely accepts, every optional field included (so that
 * every field is reached). Best effort: check it with `safeParse`.
 */
export function sampleValid(schema: z.ZodType, name?: string, options: { optionalFields?: boolean } = {}): unknown {
  const inner = unwrap(schema);
  if (inner instanceof z.ZodObject) {
    const fields = Object.entries(inner.shape as Record<string, z.ZodType>).filter(
      ([, field]) => options.optionalFields !== false || !(field instanceof z.ZodOptional || field instanceof z.ZodDefault),
    );
    return Object.fromEntries(fields.map(([key, field]) => [key, sampleValid(field, key)]));
  }
  if (inner instanceof z.ZodArray) return [sampleValid(inner.element as z.ZodType, name)];
  if (inner instanceof z.ZodUnion) {
    const options = inner.options as z.ZodType[];
    // The richest option: a non-literal one when there is one (`"" | slug` -> a slug).
    const option = options.find((candidate) => !(unwrap(candidate) instanceof z.ZodLiteral)) ?? options[0];
    return option ? sampleValid(option, name) : undefined;
  }
  if (isString(inner)) return validString(inner, name);
  if (inner instanceof z.ZodNumber) {
    const min = inner.minValue ?? 0;
    return Number.isFinite(min) ? Math.max(min, Math.min(1, inner.maxValue ?? 1)) : 1;
  }
  if (inner instanceof z.ZodLiteral) return inner.value;
  if (inner instanceof z.ZodEnum) return inner.options[0];
  if (inner instanceof z.ZodBoolean) return true;
  if (inner instanceof z.ZodDate) return new Date(Date.now() + 86_400_000);
  return undefined;
}

/**
 * A valid input with its required fields only, plus the top-level field that
 * holds `path` (so that a changed field is checked beside valid neighbours,
 * without paying for every optional one on each call, e.g. a password hash).
 */
export function sampleAround(schema: z.ZodType, path: InputPath): unknown {
  const minimal = sampleValid(schema, undefined, { optionalFields: false });
  const [head] = path;
  const full = sampleValid(schema);
  if (typeof head !== "string" || !minimal || typeof minimal !== "object" || !full || typeof full !== "object") return minimal;
  return { ...minimal, [head]: (full as Record<string, unknown>)[head] };
}

/** Every field of the value the schema describes (array elements at index 0), with its schema. */
export function leavesOf(schema: z.ZodType, path: InputPath = [], name?: string): InputLeaf[] {
  const inner = unwrap(schema);
  if (inner instanceof z.ZodObject) {
    return Object.entries(inner.shape as Record<string, z.ZodType>).flatMap(([key, field]) => leavesOf(field, [...path, key], key));
  }
  if (inner instanceof z.ZodArray) return [{ path, schema: inner, name }, ...leavesOf(inner.element as z.ZodType, [...path, 0], name)];
  return [{ path, schema: inner, name }];
}

/** A copy of `value` with `replacement` at `path` (`undefined` removes the key). */
export function withValueAt(value: unknown, path: InputPath, replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path;
  if (Array.isArray(value) && typeof head === "number") {
    const copy: unknown[] = [...(value as unknown[])];
    copy[head] = withValueAt(copy[head], rest, replacement);
    return copy;
  }
  const copy: Record<string, unknown> = { ...(value && typeof value === "object" ? (value as Record<string, unknown>) : {}) };
  const key = String(head);
  const next = withValueAt(copy[key], rest, replacement);
  if (next === undefined) delete copy[key];
  else copy[key] = next;
  return copy;
}

const nastyStrings = [
  "",
  " ",
  "\u0000",
  "a\u0000b",
  "\t",
  "line\nbreak",
  "\r\n",
  "\u0085",
  "\u007f",
  "\u202eevil",
  "\ud800",
  "😀",
  "%00",
  "' OR '1'='1",
  "../../etc/passwd",
  "<script>alert(1)</script>",
  "__proto__",
  // A quote never closed: text read as CSV, JSON or SQL must refuse it, not fail on it.
  '"',
];

const wrongTypes: unknown[] = [null, 0, -1, true, [], {}, ["a"], { toString: "x" }, new Date(Number.NaN)];

function deeplyNested(depth: number): unknown {
  let value: unknown = "bottom";
  for (let level = 0; level < depth; level++) value = level % 2 ? [value] : { a: value };
  return value;
}

/** Values around and outside a field's rules (and of every wrong kind). */
export function junkFor(leaf: InputLeaf): unknown[] {
  const { schema } = leaf;
  const values: unknown[] = [undefined, ...wrongTypes];
  if (isString(schema)) {
    const max = schema.maxLength ?? 200;
    const min = schema.minLength ?? 0;
    values.push(...nastyStrings, "a".repeat(max), "a".repeat(max + 1), "a".repeat(Math.max(0, min - 1)), "a".repeat(100_000), "é".repeat(max));
  } else if (schema instanceof z.ZodNumber) {
    const min = Number.isFinite(schema.minValue ?? Number.NaN) ? (schema.minValue as number) : 0;
    const max = Number.isFinite(schema.maxValue ?? Number.NaN) ? (schema.maxValue as number) : 100;
    values.push(min - 1, min, max, max + 1, 0.5, -0, 2 ** 31, 2 ** 53 + 2, 1e308, -1e308, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, "1");
  } else if (schema instanceof z.ZodDate) {
    values.push(new Date(0), new Date(8.64e15), new Date(-8.64e15), new Date(Date.now() - 1000), "2030-01-01T00:00:00Z", 1e13);
  } else if (schema instanceof z.ZodArray) {
    const element = sampleValid(schema.element as z.ZodType, leaf.name);
    values.push(
      Array.from({ length: 11 }, (_, index) => (typeof element === "string" ? `${element}${index}` : element)),
      Array.from({ length: 10_000 }, () => element),
      [null],
      [deeplyNested(50)],
    );
  } else {
    values.push(...nastyStrings.slice(0, 6), 1e308, Number.NaN);
  }
  values.push(deeplyNested(200));
  return values;
}

/** Whole inputs that are not the schema's kind at all. */
export const junkInputs: unknown[] = [
  undefined,
  null,
  0,
  "",
  "x".repeat(100_000),
  [],
  [{}],
  true,
  { __proto__: { admin: true } },
  deeplyNested(500),
  new Date(Number.NaN),
];
