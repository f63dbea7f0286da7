/**
 * Values of the Terraform evaluator: JSON-like JavaScript values, `Unresolved` markers for what
 * cannot be known before apply, and two wrappers that keep where text came from so findings
 * inside `container_definitions` point at the right line: `JsonEncoded` (the result of
 * `jsonencode(x)`, keeping `x` and its positions) and `SourcedText` (a heredoc, `file()` or
 * `templatefile()` result, keeping its file and first line). Positions of object keys and list
 * items are kept beside the values in a WeakMap.
 */
import { isUnresolved, type Location, type Unresolved } from '../../model/index.js';

/** `jsonencode(value)`: a JSON string whose structure (and positions) is still known. */
export class JsonEncoded {
  constructor(readonly value: unknown) {}
}

/** A string whose text came from a file at a known place (heredoc body, file(), templatefile()). */
export class SourcedText {
  /** `origin.everyLine`: the origin column applies to every line (an indented heredoc lost that indent). */
  constructor(readonly text: string, readonly origin: Location & { everyLine?: boolean }, readonly approximate = false) {}
}

/** A Terraform value. */
export type TfValue = string | number | boolean | null | TfValue[] | { [k: string]: TfValue } | Unresolved | JsonEncoded | SourcedText;

/** Positions of a list's items or an object's keys, by index or key. */
export const positions = new WeakMap<object, Map<string | number, Location>>();

/** Records the location of `key` in the container `obj`. */
export function setPos(obj: object, key: string | number, loc: Location): void {
  let m = positions.get(obj);
  if (!m) positions.set(obj, (m = new Map()));
  m.set(key, loc);
}

/** The plain text of a string-like value, or null when it is not one. */
export function textOf(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (v instanceof SourcedText) return v.text;
  if (v instanceof JsonEncoded) {
    const u = firstUnresolved(v.value);
    return u ? null : JSON.stringify(plainOf(v.value));
  }
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return null;
}

/** The value with wrappers removed (JsonEncoded becomes its JSON text), for functions that need plain data. */
export function plainOf(v: unknown): unknown {
  if (v instanceof SourcedText) return v.text;
  if (v instanceof JsonEncoded) return JSON.stringify(plainOf(v.value));
  if (Array.isArray(v)) return v.map(plainOf);
  if (v && typeof v === 'object' && !isUnresolved(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = plainOf(x);
    return out;
  }
  return v;
}

/** The first Unresolved marker inside a value (depth-first), or null. */
export function firstUnresolved(v: unknown): Unresolved | null {
  if (isUnresolved(v)) return v;
  if (v instanceof JsonEncoded) return firstUnresolved(v.value);
  if (Array.isArray(v)) {
    for (const x of v) {
      const u = firstUnresolved(x);
      if (u) return u;
    }
  } else if (v && typeof v === 'object' && !(v instanceof SourcedText)) {
    for (const x of Object.values(v)) {
      const u = firstUnresolved(x);
      if (u) return u;
    }
  }
  return null;
}
