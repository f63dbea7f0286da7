/**
 * Building blocks shared by controls: walking containers with the NOT_AVAILABLE rules,
 * and reading a possibly-unresolved field.
 */
import type { TaskDefinition } from '@aws-sdk/client-ecs';
import { isUnresolved, type Evaluation, type MessageData } from '../model/index.js';
import { containersOf, type IndexedContainer } from '../model/task-definition.js';

/**
 * Runs `check` on every container of `td`. `check` returns the evaluation(s) for a container that
 * fails (or whose deciding field is unknown), or null when the container is fine. When no
 * container gives an evaluation, one PASSED evaluation with `passMessageId` is returned.
 * Missing or unknown `containerDefinitions` give NOT_AVAILABLE, never PASSED.
 */
export function judgeContainers(
  td: TaskDefinition,
  check: (c: IndexedContainer) => Evaluation | Evaluation[] | null,
  passMessageId: string,
  passData?: MessageData,
): Evaluation[] {
  const read = containersOf(td);
  if (!read.ok) return [{ status: 'NOT_AVAILABLE', messageId: 'containersUnknown', data: { reason: read.reason }, path: 'containerDefinitions' }];
  const out: Evaluation[] = [];
  for (const u of read.unresolved) {
    out.push({ status: 'NOT_AVAILABLE', messageId: 'containerUnknown', data: { index: u.index, reason: u.reason }, path: `containerDefinitions[${u.index}]` });
  }
  for (const c of read.containers) {
    const e = check(c);
    if (Array.isArray(e)) out.push(...e);
    else if (e) out.push(e);
  }
  if (out.length === 0) out.push({ status: 'PASSED', messageId: passMessageId, data: { count: read.containers.length, ...passData }, path: null });
  return out;
}

/** NOT_AVAILABLE evaluation for an unresolved field at `path`. */
export function unknownField(path: string, reason: string): Evaluation {
  return { status: 'NOT_AVAILABLE', messageId: 'valueUnknown', data: { field: path, reason }, path };
}

/** Reads `obj[key]` as unknown, so controls check its type before use. */
export function field(obj: unknown, key: string): unknown {
  if (obj === null || typeof obj !== 'object' || isUnresolved(obj)) return undefined;
  return (obj as Record<string, unknown>)[key];
}

/** A list read item by item: the known string items with their paths, and the unknown ones. */
export interface StringItems {
  items: { value: string; path: string; index: number }[];
  unknown: { path: string; reason: string; index: number }[];
}

/**
 * Reads a list of strings at `path` (`dockerSecurityOptions`, `capabilities.add` ...). Absent or
 * not a list: no items. The whole list unknown: one unknown entry for the list itself. Items
 * that are not strings are left out (the source reports them as input errors).
 */
export function stringItems(value: unknown, path: string): StringItems {
  const out: StringItems = { items: [], unknown: [] };
  if (isUnresolved(value)) {
    out.unknown.push({ path, reason: value.unresolved, index: -1 });
    return out;
  }
  if (!Array.isArray(value)) return out;
  value.forEach((v: unknown, index) => {
    if (isUnresolved(v)) out.unknown.push({ path: `${path}[${index}]`, reason: v.unresolved, index });
    else if (typeof v === 'string') out.items.push({ value: v, path: `${path}[${index}]`, index });
  });
  return out;
}

/**
 * Reads a nested field `keys` under `obj` (each step may be absent or unknown): the value, or the
 * first unknown step as `{ unknown: { path, reason } }`. `path` is the API path of `obj`.
 */
export function nested(obj: unknown, path: string, keys: readonly string[]): { value: unknown; path: string } | { unknown: { path: string; reason: string } } {
  let cur: unknown = obj;
  let p = path;
  if (isUnresolved(cur)) return { unknown: { path: p, reason: cur.unresolved } };
  for (const k of keys) {
    cur = field(cur, k);
    p = p ? `${p}.${k}` : k;
    if (isUnresolved(cur)) return { unknown: { path: p, reason: cur.unresolved } };
    if (cur === undefined || cur === null) return { value: undefined, path: p };
  }
  return { value: cur, path: p };
}

/**
 * Whether a task definition can be placed on EC2 or external instances, where Docker options
 * such as `dockerSecurityOptions` apply: `requiresCompatibilities` names EC2 or EXTERNAL, or it
 * is unset and `networkMode` is not `awsvpc` (Fargate needs awsvpc, so such a task is EC2-only).
 * An unknown deciding field gives the Unresolved marker.
 */
export function runsOnInstances(td: TaskDefinition): boolean | { unresolved: string } {
  const req: unknown = td.requiresCompatibilities;
  if (isUnresolved(req)) return req;
  if (Array.isArray(req) && req.length > 0) {
    let unknown: { unresolved: string } | null = null;
    for (const r of req as unknown[]) {
      if (isUnresolved(r)) unknown ??= r;
      else if (typeof r === 'string' && /^(EC2|EXTERNAL)$/i.test(r.trim())) return true;
    }
    return unknown ?? false;
  }
  const mode: unknown = td.networkMode;
  if (isUnresolved(mode)) return mode;
  return mode !== 'awsvpc';
}
