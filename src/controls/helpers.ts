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
