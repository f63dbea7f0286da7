/**
 * The `ecsguard: { suppress: [ { control, reason, expires } ] }` object that CloudFormation
 * resources (under `Metadata`) and task definition JSON files (at the top level) carry to
 * suppress findings of that resource. Structural problems (not a list, an entry that is not a
 * mapping, an unknown key, a reason that is not text) are input errors here and the entry is
 * dropped; whether the control exists (one, not `*` or a list), the reason is given and the date
 * is real is checked by the engine (src/engine/suppressions.ts), which reports those at the
 * entry's line.
 */
import type { InlineSuppression, InputError, Location } from '../model/index.js';

/** A parsed value with its location, whatever the source format. */
export type SuppressionTree =
  | { kind: 'map'; loc: Location; entries: { key: string; loc: Location; value: SuppressionTree }[] }
  | { kind: 'seq'; loc: Location; items: SuppressionTree[] }
  | { kind: 'scalar'; loc: Location; value: unknown };

/**
 * A date value as written in a source, as `YYYY-MM-DD` text: strings as they are (trimmed), a
 * JavaScript `Date` (a YAML reader with the core schema types `2026-12-31` as one) as its UTC
 * day, numbers and other scalars as their text; `undefined` for an absent value (undefined or null).
 * The result is checked later (src/engine/suppressions.ts, `checkInline`), so a bad value becomes an input error there.
 */
export function dateText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'invalid date' : value.toISOString().slice(0, 10);
  if (typeof value === 'string') return value.trim();
  return String(value);
}

const ENTRY_KEYS = ['control', 'reason', 'expires'];

/**
 * Reads the suppressions of an `ecsguard` object (`where` names it in messages, e.g.
 * `Metadata.ecsguard`). Returns the entries, each located at its position in the list; pushes
 * an input error to `errors` for each structural problem.
 */
export function readSuppressionObject(tree: SuppressionTree, where: string, errors: InputError[]): InlineSuppression[] {
  const problem = (loc: Location, message: string) => errors.push({ file: loc.file, line: loc.line, column: loc.column, message });
  if (tree.kind !== 'map') {
    problem(tree.loc, `${where} must be a mapping with a 'suppress' list, e.g. { suppress: [ { control: ECS.5, reason: "...", expires: 2026-12-31 } ] }`);
    return [];
  }
  const out: InlineSuppression[] = [];
  for (const e of tree.entries) {
    if (e.key !== 'suppress') {
      problem(e.loc, `${where}: unknown key '${e.key}'; ecsguard reads 'suppress'`);
      continue;
    }
    if (e.value.kind === 'scalar' && (e.value.value === null || e.value.value === undefined)) continue;
    if (e.value.kind !== 'seq') {
      problem(e.value.loc, `${where}.suppress must be a list of { control, reason, expires } entries`);
      continue;
    }
    e.value.items.forEach((item, i) => {
      const at = `${where}.suppress[${i}]`;
      if (item.kind !== 'map') {
        problem(item.loc, `${at} must be a mapping with control, reason and (optionally) expires; it is not applied`);
        return;
      }
      const unknown = item.entries.filter((x) => !ENTRY_KEYS.includes(x.key));
      if (unknown.length) {
        for (const u of unknown) problem(u.loc, `${at}: unknown key '${u.key}'; a suppression takes ${ENTRY_KEYS.join(', ')}; it is not applied`);
        return;
      }
      const field = (key: string): { value: unknown; loc: Location } | undefined => {
        const f = item.entries.find((x) => x.key === key);
        return f ? { value: f.value.kind === 'scalar' ? f.value.value : f.value, loc: f.value.loc } : undefined;
      };
      const fields: Record<string, unknown> = {};
      for (const key of ENTRY_KEYS) {
        const f = field(key);
        if (!f) continue;
        if (f.value !== null && typeof f.value === 'object' && !(f.value instanceof Date)) {
          problem(f.loc, `${at}.${key} must be a plain value (no intrinsic function or list); the suppression is not applied`);
          return;
        }
        // `reason: true` or `reason: 42` reads as a flag or a ticket number, not as why the finding is accepted.
        if (key === 'reason' && f.value !== null && typeof f.value !== 'string') {
          problem(f.loc, `${at}.reason must be text saying why the finding is accepted; got ${String(f.value)}; the suppression is not applied`);
          return;
        }
        fields[key] = f.value;
      }
      const s: InlineSuppression = {
        control: fields.control === undefined || fields.control === null ? '' : String(fields.control),
        reason: fields.reason === undefined || fields.reason === null ? '' : String(fields.reason),
        location: item.loc,
      };
      const expires = dateText(fields.expires);
      if (expires !== undefined) s.expires = expires;
      out.push(s);
    });
  }
  return out;
}
