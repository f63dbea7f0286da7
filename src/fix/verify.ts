/**
 * The safety net of `ecsguard fix` on files: the patched text is read again by the same source
 * reader the scan used (src/sources/index.ts readText) and must (1) still be read, with no input
 * error that the original did not have, (2) hold the same resources, each equal to the original
 * with exactly the applied fixes' edits made (nothing else changed, in any resource of the file),
 * and (3) no longer fail any control whose fix was applied. A patch that does not verify is
 * dropped whole by the caller: a corrupted file or a silent no-op is never written.
 */
import { readFileSync } from 'node:fs';
import { readText, type SourceOptions } from '../sources/index.js';
import { decodeText } from '../sources/text.js';
import type { ActiveControl } from '../engine/configuration.js';
import { isUnresolved, type Resource } from '../model/index.js';
import { applyOps, isRegionValue } from './plan.js';
import { toRegisterInput } from './register.js';
import { resourceRef, type AppliedFix, type Patcher, type PatchOutcome, type PatchTarget, type RefusedFix } from './types.js';

/**
 * Why `after` (the patch of `before`, both without a byte order mark) does not verify; null when
 * it does. `applied` are the fixes the patcher reports for this file.
 */
export function verifyPatch(file: string, before: string, after: string, targets: readonly PatchTarget[], applied: readonly AppliedFix[], controls: readonly ActiveControl[], options: SourceOptions): string | null {
  const read = (text: string) => {
    try {
      return { result: readText(file, text, true, options) };
    } catch (e) {
      return { error: e instanceof RangeError ? 'it is nested too deeply to read' : `it could not be read: ${(e as Error).message}` };
    }
  };
  const was = read(before);
  const now = read(after);
  if ('error' in now) return now.error!;
  if ('error' in was || !was.result) return 'the original could not be read again to compare';
  const b = was.result;
  const a = now.result;
  if (!a) return 'it is no longer read as a format ecsguard reads';
  // (1) No new input error: compared by message, as the edit moves lines.
  const known = new Map<string, number>();
  for (const e of b.errors) known.set(e.message, (known.get(e.message) ?? 0) + 1);
  for (const e of a.errors) {
    const n = known.get(e.message) ?? 0;
    if (n === 0) return `it now has an input error${e.line ? ` at line ${e.line}` : ''}: ${e.message}`;
    known.set(e.message, n - 1);
  }
  // (2) The same resources, each changed by its applied fixes only.
  if (a.resources.length !== b.resources.length) return `it now holds ${a.resources.length} resources instead of ${b.resources.length}`;
  for (let i = 0; i < b.resources.length; i++) {
    const was = b.resources[i];
    const now = a.resources[i];
    if (now.type !== was.type || now.origin.kind !== was.origin.kind || (now.origin.kind === 'file' && was.origin.kind === 'file' && now.origin.format !== was.origin.format)) {
      return `resource ${was.id} is now read as ${now.type} ${now.id}`;
    }
    const target = targets.find((t) => sameResource(t.resource, was));
    const fixes = target ? applied.filter((f) => f.resource.type === was.type && f.resource.id === target.resource.id) : [];
    const ops = fixes.flatMap((f) => f.ops);
    let expected: unknown = was.properties;
    let actual: unknown = now.properties;
    if (fixes.length) {
      if (isUnresolved(expected)) return `${was.id}: its properties were unknown, yet a fix was applied`;
      try {
        expected = applyOps(expected, ops);
      } catch (e) {
        return `${was.id}: the planned edits do not apply to the original (${(e as Error).message})`;
      }
      if (was.origin.kind === 'file' && was.origin.format === 'taskdef-json' && was.type === 'AWS::ECS::TaskDefinition') {
        // The patcher also makes the file register-task-definition input.
        expected = toRegisterInput(expected as never);
        actual = isUnresolved(actual) ? actual : toRegisterInput(actual as never);
      }
    }
    const diff = difference(expected, actual, '');
    if (diff !== null) return `${was.id}: ${diff || 'its properties'} ${fixes.length ? 'is not what the applied fixes make it' : 'changed although no fix was applied to it'}`;
    if (!fixes.length) {
      const vb = was.variants ?? [];
      const va = now.variants ?? [];
      if (vb.length !== va.length) return `${was.id}: its readings under conditions changed`;
      for (let j = 0; j < vb.length; j++) {
        const d = difference(vb[j].properties, va[j].properties, '');
        if (d !== null) return `${was.id} (when ${vb[j].label}): ${d || 'its properties'} changed although no fix was applied to it`;
      }
    }
    // (3) Each applied fix's control passes on the patched resource.
    const judged: Resource = { ...now, context: { ...target?.resource.context, ...now.context } };
    for (const f of fixes) {
      const active = controls.find((c) => c.control.id === f.control);
      if (!active) continue;
      const bad = active.control.evaluate(judged, active.params).find((e) => e.status === 'FAILED' || e.status === 'NOT_AVAILABLE');
      if (bad) return `${f.control} is ${bad.status} on ${was.id} after the patch${bad.path ? ` (${bad.path})` : ''}`;
    }
  }
  return null;
}

/** The same resource read twice from the same text: type, id and position agree. */
function sameResource(a: Resource, b: Resource): boolean {
  if (a.type !== b.type || a.id !== b.id) return false;
  const la = a.locate(null);
  const lb = b.locate(null);
  return la?.line === lb?.line && la?.column === lb?.column;
}

/** The first path where `actual` differs from `expected` (`''` for the root), or null; the region marker in `expected` matches any value. */
function difference(expected: unknown, actual: unknown, path: string): string | null {
  if (isRegionValue(expected)) return null;
  if (Object.is(expected, actual)) return null;
  if (typeof expected !== 'object' || typeof actual !== 'object' || expected === null || actual === null) return path;
  if (Array.isArray(expected) !== Array.isArray(actual)) return path;
  if (Array.isArray(expected)) {
    const act = actual as unknown[];
    if (expected.length !== act.length) return path;
    for (let i = 0; i < expected.length; i++) {
      const d = difference(expected[i], act[i], `${path}[${i}]`);
      if (d !== null) return d;
    }
    return null;
  }
  const e = expected as Record<string, unknown>;
  const a = actual as Record<string, unknown>;
  const keys = new Set([...Object.keys(e), ...Object.keys(a)]);
  for (const k of keys) {
    if (e[k] === undefined && a[k] === undefined) continue;
    const d = difference(e[k], a[k], path ? `${path}.${k}` : k);
    if (d !== null) return d;
  }
  return null;
}

/** What {@link patchFile} did to one file. */
export interface FilePatch {
  /** The file's text before and after (equal when nothing is changed), with its byte order mark if it has one. */
  before: string;
  after: string;
  applied: AppliedFix[];
  refused: RefusedFix[];
  guidance: string[];
}

const BOM = '\uFEFF';

/**
 * Reads `file` as the scan did (UTF-8, byte order mark set aside: the sources' positions count
 * without it), patches it with `patcher`, and verifies the result with {@link verifyPatch}. A
 * patch that does not verify, or a patcher that throws, costs that file's fixes (each refused
 * with the reason), never the run. Returns an error message when the file cannot be read.
 */
export function patchFile(file: string, patcher: Patcher, targets: readonly PatchTarget[], controls: readonly ActiveControl[], options: SourceOptions & { region?: string }): FilePatch | { error: string } {
  const refuseAll = (reason: string, refused: RefusedFix[] = targets.flatMap((t) => t.plan.refused.map((r) => ({ ...r, resource: resourceRef(t.resource) }))), fixes: { control: string; ops: { path: string }[]; resource: AppliedFix['resource'] }[] = targets.flatMap((t) => t.plan.fixes.map((f) => ({ ...f, resource: resourceRef(t.resource) })))): FilePatch => ({
    before: '',
    after: '',
    applied: [],
    refused: [...refused, ...fixes.map((f) => ({ resource: f.resource, control: f.control, path: f.ops[0]?.path ?? null, reason: `${file}: ${reason}` }))],
    guidance: [],
  });
  if (/\.gz$/i.test(file)) return refuseAll('a compressed file is not patched: decompress it, fix the JSON, and compress it again');
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    return { error: `cannot read the file to fix it: ${(e as Error).message}` };
  }
  const decoded = decodeText(bytes);
  if (!decoded.ok) return { error: `cannot read the file to fix it: ${decoded.message}` };
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? BOM : '';
  const text = decoded.text;
  const original = bom + text;
  let out: PatchOutcome;
  try {
    out = patcher(file, text, targets, { region: options.region });
  } catch (e) {
    return { ...refuseAll(`the patcher failed (${(e as Error).message}); nothing was changed`), before: original, after: original };
  }
  if (out.applied.length) {
    const failure = verifyPatch(file, text, out.text, targets, out.applied, controls, options);
    if (failure) {
      const refused = out.applied.map((f): RefusedFix => ({ resource: f.resource, control: f.control, path: f.ops[0]?.path ?? null, reason: `${file}: the patched file did not verify: ${failure}; nothing was changed` }));
      return { before: original, after: original, applied: [], refused: [...out.refused, ...refused], guidance: [] };
    }
  }
  return { before: original, after: out.text === text ? original : bom + out.text, applied: out.applied, refused: out.refused, guidance: out.guidance };
}
