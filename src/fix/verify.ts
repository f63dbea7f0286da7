/**
 * The safety net of `ecsguard fix` on files: the patched text is read again by the same source
 * reader the scan used (src/sources/index.ts readText) and must (1) still be read, with no input
 * error that the original did not have, (2) hold the same resources, each equal to the original
 * with exactly the applied fixes' edits made (nothing else changed, in any resource of the file),
 * and (3) no longer fail any control whose fix was applied. A patch that does not verify is
 * dropped whole by the caller: a corrupted file or a silent no-op is never written.
 *
 * Terraform (`.tf` files and the JSON files their `file()` calls read) is checked the same way
 * across files, by {@link patchTerraformChecked}: a Terraform configuration is a folder of files
 * read together (and modules in other folders), so the patched files are written into a mirror of
 * the folders in a new temporary folder (the reader caches parsed folders by file size and
 * modification time, and the real files are never touched), the configuration is read there and
 * compared with the original. A patched file that does not verify is dropped with every fix that
 * edits it (and that fix's edits in other files), and the rest is patched and verified again.
 */
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { readText, type SourceOptions } from '../sources/index.js';
import { readTerraformDirs } from '../sources/terraform/module.js';
import { displayPath } from '../sources/walk.js';
import { patchTerraformFiles, type ReadFile, type TerraformPatchOutcome } from './terraform.js';
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
  const refuseAll = (reason: string, refused: RefusedFix[] = [], fixes: { control: string; ops: { path: string }[]; resource: AppliedFix['resource'] }[] = targets.flatMap((t) => t.plan.fixes.map((f) => ({ ...f, resource: resourceRef(t.resource) })))): FilePatch => ({
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


// ---------------------------------------------------------------- Terraform

/** The Terraform options of the scan, and the region values are written for. */
export interface TerraformCheckOptions {
  region?: string;
  terraformVars?: Record<string, string>;
  terraformVarFiles?: string[];
  maxFileBytes?: number;
}

/** A patched file (or fix) that does not verify, and why. */
interface TerraformFailure {
  /** The changed files (absolute paths) that hold the problem: every fix that edits one is dropped. */
  files: string[];
  /** Fixes dropped whatever files they edit (a fix whose control still fails). */
  fixes: AppliedFix[];
  /** Nothing can be blamed on one file: every applied fix is dropped. */
  all?: boolean;
  /** The file named in the refusal (display path), when there is one. */
  shown: string | null;
  reason: string;
}

const isTerraform = (r: Resource) => r.origin.kind === 'file' && r.origin.format === 'tf-hcl';
const fileOf = (r: Resource) => (r.origin.kind === 'file' ? r.origin.file : '');

/**
 * Patches the Terraform resources of `targets` (src/fix/terraform.ts patchTerraformFiles, or
 * `patch`), then reads the configuration again with the patched files and verifies it: every
 * patched file must still be read without a new input error, every resource of the configuration
 * (`resources`: those of the scan) must be equal to the original with exactly its applied fixes'
 * edits, and each applied fix's control must pass. A file that does not verify is dropped with
 * every fix that edits it, each refused with `<file>: the patched file did not verify: <why>`, and
 * the others are patched again without them (and verified again). A patcher that throws costs its
 * fixes, never the run. Returns what is left: files that verify, and their fixes.
 */
export function patchTerraformChecked(targets: readonly PatchTarget[], resources: readonly Resource[], controls: readonly ActiveControl[], options: TerraformCheckOptions = {}, patch: typeof patchTerraformFiles = patchTerraformFiles, readFile: ReadFile = (f) => readFileSync(f, 'utf8')): TerraformPatchOutcome {
  const dropped: RefusedFix[] = [];
  const excluded = new Set<string>();
  const fixKey = (root: string | undefined, ref: { id: string; file?: string }, control: string) => `${resolve(root ?? '.')}\u0000${resolve(ref.file ?? '')}\u0000${ref.id}\u0000${control}`;
  for (;;) {
    const current: PatchTarget[] = targets.map((t) => ({ resource: t.resource, plan: { ...t.plan, fixes: t.plan.fixes.filter((f) => !excluded.has(fixKey(t.resource.root, resourceRef(t.resource), f.control))) } }));
    let out: TerraformPatchOutcome;
    try {
      out = patch(current, { region: options.region }, readFile);
    } catch (e) {
      const reason = `the Terraform patcher failed (${(e as Error).message}); nothing was changed`;
      const refused = current.flatMap((t) => t.plan.fixes.map((f): RefusedFix => ({ resource: resourceRef(t.resource), control: f.control, path: f.ops[0]?.path ?? null, reason })));
      return { files: new Map(), applied: [], refused: [...dropped, ...refused], guidance: [] };
    }
    // No fix applied: no file may change (an edit nobody answers for is never written).
    if (!out.applied.length) return { ...out, files: new Map(), refused: [...out.refused, ...dropped] };
    let failures: TerraformFailure[];
    try {
      failures = verifyTerraform(out, current, resources, controls, options);
    } catch (e) {
      failures = [{ files: [], fixes: [], all: true, shown: null, reason: `the patched files could not be read again to check them (${(e as Error).message})` }];
    }
    if (!failures.length) return { ...out, refused: [...out.refused, ...dropped] };
    const culprits = new Map<AppliedFix, TerraformFailure>();
    for (const f of failures) {
      for (const a of out.applied) {
        if (culprits.has(a)) continue;
        const edits = out.filesOf?.get(a)?.map((x) => resolve(x));
        if (f.all || f.fixes.includes(a) || !edits || edits.some((x) => f.files.includes(x))) culprits.set(a, f);
      }
    }
    // A failure no fix can be blamed for: every fix goes (the loop must end, and nothing unverified is written).
    if (culprits.size === 0) for (const a of out.applied) culprits.set(a, failures[0]);
    for (const [a, f] of culprits) {
      excluded.add(fixKey(out.rootOf?.get(a), a.resource, a.control));
      const edits = (out.filesOf?.get(a) ?? []).map((x) => resolve(x));
      const shown = f.shown ?? (edits.find((x) => f.files.includes(x)) ? displayPath(edits.find((x) => f.files.includes(x))!) : null);
      dropped.push({ resource: a.resource, control: a.control, path: a.ops[0]?.path ?? null, reason: `${shown ? `${shown}: ` : ''}the patched file did not verify: ${f.reason}; this fix was not applied` });
    }
  }
}

/** The directory holding every path of `dirs` (absolute paths). */
function commonDir(dirs: string[]): string {
  let base = dirs[0];
  for (const d of dirs.slice(1)) {
    while (d !== base && !d.startsWith(base.endsWith(sep) ? base : base + sep)) {
      const up = dirname(base);
      if (up === base) break;
      base = up;
    }
  }
  return base;
}

/**
 * A mirror of the folder `base` under a new temporary folder, in which the `changed` files (absolute
 * paths) have their new text: the folders on the way to them and to the `roots` are real folders,
 * everything else is a link to the original (a copy where links cannot be made).
 */
function mirrorOf(base: string, changed: Map<string, string>, roots: string[]): { top: string; dir: string } {
  const real = new Set<string>();
  for (const d of [...roots, ...[...changed.keys()].map((f) => dirname(f))]) {
    for (let p = d; ; p = dirname(p)) {
      real.add(p);
      if (p === base || dirname(p) === p) break;
    }
  }
  const top = mkdtempSync(join(tmpdir(), 'ecsguard-verify-'));
  const dir = join(top, 'm');
  const copy = (src: string, dst: string) => {
    mkdirSync(dst, { recursive: true });
    for (const e of readdirSync(src, { withFileTypes: true })) {
      const from = join(src, e.name);
      const to = join(dst, e.name);
      const text = changed.get(from);
      if (text !== undefined) writeFileSync(to, text);
      else if (real.has(from) && e.isDirectory()) copy(from, to);
      else {
        try {
          symlinkSync(from, to, e.isDirectory() ? 'junction' : 'file');
        } catch {
          if (e.isDirectory()) cpSync(from, to, { recursive: true });
          else copyFileSync(from, to);
        }
      }
    }
  };
  try {
    copy(base, dir);
  } catch (e) {
    rmSync(top, { recursive: true, force: true });
    throw e;
  }
  return { top, dir };
}

/** Why the patched Terraform configuration does not verify: one failure per problem found. */
function verifyTerraform(out: TerraformPatchOutcome, targets: readonly PatchTarget[], resources: readonly Resource[], controls: readonly ActiveControl[], options: TerraformCheckOptions): TerraformFailure[] {
  const changed = new Map<string, string>();
  for (const [path, c] of out.files) if (c.before !== c.after) changed.set(resolve(path), c.after);
  const all = [...resources, ...targets.map((t) => t.resource)].filter(isTerraform);
  const roots = [...new Set(all.map((r) => resolve(r.root ?? dirname(fileOf(r)))))];
  if (!roots.length) return [{ files: [], fixes: [], all: true, shown: null, reason: 'the Terraform configuration of the fixed resources is not known' }];
  const base = commonDir([...roots, ...[...changed.keys()].map((f) => dirname(f)), ...all.map((r) => dirname(resolve(fileOf(r))))]);
  const { top, dir } = mirrorOf(base, changed, roots);
  try {
    const read = { vars: options.terraformVars, varFiles: options.terraformVarFiles, maxFileBytes: options.maxFileBytes };
    const was = readTerraformDirs(roots, read);
    const now = readTerraformDirs(roots.map((r) => join(dir, relative(base, r))), read);
    // Paths and messages of the mirror, as they are in the original folder.
    const back = (p: string): string => {
      const abs = resolve(p);
      return abs === dir || abs.startsWith(dir + sep) ? join(base, relative(dir, abs)) : abs;
    };
    const message = (m: string) => m.split(dir).join(base).split(displayPath(dir)).join(displayPath(base));
    const failures: TerraformFailure[] = [];
    const blamed = new Set<string>();
    const fail = (f: TerraformFailure) => {
      const k = f.all ? '*' : f.files.join('\u0000') || `fix:${f.fixes.map((x) => `${x.resource.id} ${x.control}`).join()}`;
      if (blamed.has(k)) return;
      blamed.add(k);
      failures.push(f);
    };
    const inChanged = (file: string | undefined): string[] => (file !== undefined && changed.has(back(file)) ? [back(file)] : []);
    // (1) No new input error.
    const known = new Map<string, number>();
    const errKey = (file: string, m: string) => `${file}\u0000${m}`;
    for (const e of was.errors) known.set(errKey(resolve(e.file), e.message), (known.get(errKey(resolve(e.file), e.message)) ?? 0) + 1);
    for (const e of now.errors) {
      const k = errKey(back(e.file), message(e.message));
      const n = known.get(k) ?? 0;
      if (n > 0) {
        known.set(k, n - 1);
        continue;
      }
      const files = inChanged(e.file);
      fail({ files, fixes: [], all: files.length === 0, shown: displayPath(back(e.file)), reason: `it now has an input error${e.line ? ` at line ${e.line}` : ''}: ${message(e.message)}` });
    }
    // (2) The same resources, each changed by its applied fixes only; (3) their controls pass.
    const rkey = (r: Resource, mirrored: boolean) => `${mirrored ? back(r.root ?? '.') : resolve(r.root ?? '.')}\u0000${r.type}\u0000${r.id}`;
    const after = new Map(now.resources.map((r) => [rkey(r, true), r]));
    const seen = new Set<string>();
    for (const w of was.resources) {
      const k = rkey(w, false);
      seen.add(k);
      const n = after.get(k);
      const own = inChanged(fileOf(w));
      if (!n) {
        fail({ files: own, fixes: [], all: own.length === 0, shown: displayPath(fileOf(w)), reason: `${w.id} is no longer read` });
        continue;
      }
      const fixes = out.applied.filter((a) => a.resource.type === w.type && a.resource.id === w.id && resolve(a.resource.file ?? '') === resolve(fileOf(w)) && (!out.rootOf?.has(a) || resolve(out.rootOf.get(a)!) === resolve(w.root ?? '.')));
      const edited = fixes.flatMap((a) => (out.filesOf?.get(a) ?? []).map((x) => resolve(x)).filter((x) => changed.has(x)));
      let expected: unknown = w.properties;
      if (fixes.length) {
        if (isUnresolved(expected)) {
          fail({ files: edited, fixes, shown: null, reason: `${w.id}: its properties were unknown, yet a fix was applied` });
          continue;
        }
        try {
          expected = applyOps(expected, fixes.flatMap((f) => f.ops));
        } catch (e) {
          fail({ files: edited, fixes, shown: null, reason: `${w.id}: the planned edits do not apply to the original (${(e as Error).message})` });
          continue;
        }
      }
      const diff = difference(expected, n.properties, '');
      if (diff !== null) {
        const at = n.locate(diff || null)?.file;
        const where = inChanged(at);
        // The file the wrong value is written in; else those the resource's fixes edit; else its own.
        const files = where.length ? where : edited.length ? [...new Set(edited)] : own;
        const also = where.length && where[0] !== resolve(fileOf(w)) ? ` (it reads ${displayPath(where[0])} too)` : '';
        fail({ files, fixes, all: files.length === 0 && fixes.length === 0, shown: files.length ? displayPath(files[0]) : null, reason: `${w.id}: ${diff || 'its properties'} ${fixes.length ? 'is not what the applied fixes make it' : 'changed although no fix was applied to it'}${also}` });
        continue;
      }
      const target = targets.find((t) => t.resource.type === w.type && t.resource.id === w.id && resolve(fileOf(t.resource)) === resolve(fileOf(w)) && resolve(t.resource.root ?? '.') === resolve(w.root ?? '.'));
      const judged: Resource = { ...n, context: { ...target?.resource.context, ...n.context } };
      for (const f of fixes) {
        const active = controls.find((c) => c.control.id === f.control);
        if (!active) continue;
        const bad = active.control.evaluate(judged, active.params).find((e) => e.status === 'FAILED' || e.status === 'NOT_AVAILABLE');
        if (!bad) continue;
        const files = (out.filesOf?.get(f) ?? []).map((x) => resolve(x)).filter((x) => changed.has(x));
        fail({ files, fixes: [f], shown: files.length ? displayPath(files[0]) : null, reason: `${f.control} is ${bad.status} on ${w.id} after the patch${bad.path ? ` (${bad.path})` : ''}` });
      }
    }
    for (const [k, n] of after) {
      if (seen.has(k)) continue;
      const own = inChanged(fileOf(n));
      fail({ files: own, fixes: [], all: own.length === 0, shown: displayPath(back(fileOf(n))), reason: `it now holds ${n.id}, which was not read before` });
    }
    return failures;
  } finally {
    rmSync(top, { recursive: true, force: true });
  }
}
