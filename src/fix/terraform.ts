/**
 * The Terraform configuration patcher of `ecsguard fix` (`*.tf`, origin format `tf-hcl`): maps
 * each planned `FixOp` (an ECS API path) to the HCL that produced it and edits the text there,
 * leaving every other byte of the file as it was.
 *
 * What maps where:
 * - `containerDefinitions[i]...`: the i-th object of a literal `jsonencode([ {...}, ... ])` tuple,
 *   written in HCL object syntax (`key = value`, or `"key": value,` whose style new members
 *   follow); or, for `file("x.json")` with a literal path, that JSON file (minimal edits in the
 *   file's own formatting, src/fix/json-edit.ts; byte order mark and line ends kept).
 * - task-level fields through the AWS provider's schema (the inverse of
 *   src/sources/terraform/resources.ts): `pidMode` is the `pid_mode` attribute, `volumes` are
 *   `volume` blocks in order, `settings` are `setting` blocks, the service's
 *   `networkConfiguration.awsvpcConfiguration.assignPublicIp` is the boolean `assign_public_ip`
 *   in `network_configuration`, other fields are their snake_case attribute.
 * - resources of a module (`module.x.aws_...`): the module's files are never edited; when the
 *   failing field is a direct `var.NAME` in the module, the root module's `module "x"` block gets
 *   that input, otherwise guidance says what must change.
 *
 * Anything written as a reference, function call, conditional, `for` expression, heredoc or
 * template (or made by `dynamic`, `count` or `for_each`) is refused with the reason, never guessed.
 * So is an edit that would not take effect or would reach further than its resource: a key
 * written twice (Terraform rejects it; the scan reads the last one), an attribute an override file
 * sets (`override.tf`, `*_override.tf` win), one `lifecycle.ignore_changes` lists (apply would not
 * deploy it), one block of `count`/`for_each` instances that need different values, a JSON file
 * also read by a task definition that needs another edit (or none), a module input whose declared
 * type cannot hold the value. Every edit is computed against the original text and applied from
 * the end backwards; a fix whose edits would overlap another fix's is refused whole. A bug costs
 * the fix it happens in, never the run. `ecsguard fix` verifies the result by reading the
 * configuration again (src/fix/verify.ts patchTerraformChecked).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { findNodeAtLocation, parseTree, type Node as JsonNode, type ParseError } from 'jsonc-parser';
import type { Resource } from '../model/index.js';
import { parseHcl, type SyntaxNode } from '../sources/terraform/parser.js';
import { TERRAFORM_TYPES } from '../sources/terraform/resources.js';
import { displayPath } from '../sources/walk.js';
import { applyJsonEdits, describe as describeJsonPath, duplicateOnPath, JsonEditRefused, type JsonEdit } from './json-edit.js';
import { isRegionValue, materialise, orderOps, parsePath, type ControlFix, type FixOp, type FixValue, type PathPart } from './plan.js';
import { resourceRef, type AppliedFix, type PatchContext, type PatchTarget, type Patcher, type RefusedFix } from './types.js';
import * as H from './terraform-hcl.js';

type Spec = NonNullable<ReturnType<typeof TERRAFORM_TYPES.get>>['spec'];
type Field = Spec[string];

/** The `awsvpcConfiguration` level of `network_configuration`, which Terraform flattens into the block. */
const AWSVPC_SPEC: Spec = { subnets: { to: 'subnets' }, security_groups: { to: 'securityGroups' }, assign_public_ip: { to: 'assignPublicIp' } };

/** The todo added when the region is written as a placeholder. */
const REGION_TODO = "set awslogs-region to the task's region";

/** A file as edited by {@link patchTerraformFiles}: its text before and after (with its byte order mark, if any). */
export interface FileChange {
  before: string;
  after: string;
}

/** What {@link patchTerraformFiles} did: the changed files by path (as the scan names them), and the fixes. */
export interface TerraformPatchOutcome {
  files: Map<string, FileChange>;
  applied: AppliedFix[];
  refused: RefusedFix[];
  guidance: string[];
  /** The files each applied fix edits (paths as in `files`), for the safety net (src/fix/verify.ts) to drop a fix whole. */
  filesOf?: Map<AppliedFix, string[]>;
  /**
   * The root module each applied fix was made for (`Resource.root`): two root modules that call
   * one module have resources with the same address in the same file.
   */
  rootOf?: Map<AppliedFix, string>;
}

/** Reads a file by path (as the scan names it); throws when it cannot. */
export type ReadFile = (path: string) => string;

/** Thrown while planning a fix: the fix is refused with this reason. */
class Refuse extends Error {}

interface HclFile {
  path: string;
  /** The file's text as read, byte order mark included. */
  before: string;
  /** The byte order mark (or ''): set aside while editing, so offsets count from the first character after it. */
  bom: string;
  /** The text without the byte order mark, as parsed and edited. */
  doc: H.TextDoc;
  root: SyntaxNode;
  edits: H.TextEdit[];
  /** Keys added by committed fixes (`member:<container>:<key>`), with the text that added them. */
  created: Map<string, string>;
}

interface JsonFile {
  path: string;
  /** The file's text as read, byte order mark included. */
  before: string;
  bom: string;
  /** The text without the byte order mark. */
  text: string;
  ops: JsonOp[];
}

/** An op of a JSON file: the ECS op, its path in the file, and which fix made it. */
interface JsonOp {
  op: FixOp;
  parts: PathPart[];
  key: string;
  /** The resource and control of the fix (`aws_ecs_task_definition.web ECS.20`). */
  by: string;
}

const BOM = '\uFEFF';

/** Splits a byte order mark off a text read as UTF-8. */
function splitBom(text: string): { bom: string; body: string } {
  return text.startsWith(BOM) ? { bom: BOM, body: text.slice(1) } : { bom: '', body: text };
}

/** The edits one fix needs; committed whole or not at all. */
interface Proposal {
  hcl: { file: HclFile; edit: H.TextEdit }[];
  json: { file: JsonFile; op: FixOp; parts: PathPart[]; by: string }[];
  /** Keys this fix adds to objects and blocks, with the text that adds them. */
  created: { file: HclFile; id: string; text: string }[];
  changes: string[];
  todo: string[];
}

/** A parsed Terraform address: module calls, resource type and name, instance key. */
interface Address {
  modules: { name: string; key: string }[];
  type: string;
  name: string;
  key: string;
  /** `module.a["x"].module.b` (empty for root resources). */
  prefix: string;
}

/** Splits `module.a["k"].aws_ecs_service.this[0]`. */
function parseAddress(id: string): Address | null {
  const m = /^((?:module\.[A-Za-z0-9_-]+(?:\[[^\]]*\])?\.)*)([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)(\[[^\]]*\])?$/.exec(id);
  if (!m) return null;
  const modules = [...m[1].matchAll(/module\.([A-Za-z0-9_-]+)(\[[^\]]*\])?\./g)].map((x) => ({ name: x[1], key: x[2] ?? '' }));
  return { modules, type: m[2], name: m[3], key: m[4] ?? '', prefix: m[1].replace(/\.$/, '') };
}

/** The provider's name and mapping of an ECS API key in `spec` (snake_case when the spec does not list it). */
function tfField(spec: Spec, apiKey: string): [string, Field | undefined] {
  for (const [k, f] of Object.entries(spec)) if (f.to === apiKey) return [k, f];
  return [apiKey.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), undefined];
}

/** The provider's spelling of an API value (assign_public_ip is a boolean in Terraform). */
function tfValue(apiKey: PathPart | undefined, v: FixValue): FixValue {
  if (apiKey === 'assignPublicIp') return v === 'ENABLED' ? true : v === 'DISABLED' ? false : v;
  return v;
}

/** The lines of a new block from an API-shaped object, through the provider mapping. */
function blockLines(value: FixValue, spec: Spec, path: string): H.BlockLine[] {
  if (!value || typeof value !== 'object' || Array.isArray(value) || isRegionValue(value)) throw new Refuse(`${path}: the new value is not an object, so it cannot be written as a block`);
  const out: H.BlockLine[] = [];
  for (const [k, v] of Object.entries(value)) {
    const [tf, f] = tfField(spec, k);
    if (f?.kind === 'hostPath' && v && typeof v === 'object' && !Array.isArray(v) && 'sourcePath' in v) out.push({ attr: 'host_path', value: (v as Record<string, FixValue>).sourcePath });
    else if (f?.kind) throw new Refuse(`${path}.${k} cannot be written as Terraform automatically`);
    else if (f?.block === 'single') out.push({ block: tf, lines: blockLines(v, f.fields ?? {}, `${path}.${k}`) });
    else if (f?.block === 'list' && Array.isArray(v)) for (const item of v) out.push({ block: tf, lines: blockLines(item, f.fields ?? {}, `${path}.${k}`) });
    else out.push({ attr: tf, value: tfValue(k, v) });
  }
  return out;
}

/** `{a: {b: value}}` for the path parts still missing below an existing object (lists for an append). */
function nest(parts: PathPart[], op: FixOp, path: string): FixValue {
  if (op.op === 'delete') throw new Error('nest of a delete');
  let v: FixValue = op.op === 'append' ? [op.value] : op.value;
  for (let i = parts.length - 1; i >= 0; i--) {
    const k = parts[i];
    if (typeof k !== 'string') throw new Refuse(`${path}: a list item on the path is missing`);
    v = { [k]: v };
  }
  return v;
}

const isOverrideFile = (name: string) => name === 'override.tf' || name.endsWith('_override.tf');

/** The state of one patch run over several files. */
class Session {
  private readonly hcl = new Map<string, HclFile>();
  private readonly json = new Map<string, JsonFile>();
  readonly applied: AppliedFix[] = [];
  readonly refused: RefusedFix[] = [];
  readonly guidance: string[] = [];
  readonly filesOf = new Map<AppliedFix, string[]>();
  readonly rootOf = new Map<AppliedFix, string>();
  /** Every target of the run (fixes of several instances of one block already made consistent). */
  targets: readonly PatchTarget[] = [];

  constructor(readonly context: PatchContext, readonly readFile: ReadFile, readonly editable: (path: string) => boolean, readonly only?: string) {}

  /** The text of `path`; throws Refuse when it cannot be read. */
  private read(path: string): string {
    try {
      return this.readFile(path);
    } catch (e) {
      throw new Refuse(`${path} cannot be read: ${(e as Error).message}`);
    }
  }

  /** Reads and parses a .tf file (cached); throws Refuse when it cannot be read. */
  loadHcl(path: string): HclFile {
    const have = this.hcl.get(path);
    if (have) return have;
    const text = this.read(path);
    const { bom, body } = splitBom(text);
    const f: HclFile = { path, before: text, bom, doc: new H.TextDoc(body), root: parseHcl(body), edits: [], created: new Map() };
    this.hcl.set(path, f);
    return f;
  }

  /** Reads a JSON file (cached); throws Refuse when it cannot be read. */
  loadJson(path: string): JsonFile {
    const have = this.json.get(path);
    if (have) return have;
    const text = this.read(path);
    const { bom, body } = splitBom(text);
    const f: JsonFile = { path, before: text, bom, text: body, ops: [] };
    this.json.set(path, f);
    return f;
  }

  /** The .tf files of a folder (override files left out), parsed; none when it cannot be listed. */
  folder(dir: string): HclFile[] {
    let names: string[];
    try {
      names = readdirSync(dir).filter((n) => n.endsWith('.tf') && !isOverrideFile(n)).sort();
    } catch {
      return [];
    }
    const out: HclFile[] = [];
    for (const n of names) {
      try {
        out.push(this.loadHcl(displayPath(resolve(dir, n))));
      } catch {
        // An unreadable file holds nothing this patch can use.
      }
    }
    return out;
  }

  /** Commits a fix's edits, or throws Refuse (nothing committed) when one cannot be made. */
  commit(p: Proposal): void {
    for (const f of new Set([...p.hcl.map((x) => x.file.path), ...p.json.map((x) => x.file.path)])) {
      if (!this.editable(f)) throw new Refuse(`the fix edits ${f}, not ${this.only ?? 'the file being patched'}: patch the files together (patchTerraformFiles) to apply it`);
    }
    for (const c of p.created) {
      const have = c.file.created.get(c.id);
      if (have !== undefined && have !== c.text) throw new Refuse(`another fix already adds ${c.id.split(':').slice(2).join(':')} at the same place in ${c.file.path}; fix it by hand`);
    }
    const staged = new Map<HclFile, H.TextEdit[]>();
    for (const { file, edit } of p.hcl) {
      const list = staged.get(file) ?? [];
      const all = [...file.edits, ...list];
      if (all.some((e) => e.start === edit.start && e.end === edit.end && e.text === edit.text)) continue;
      if (all.some((e) => H.overlaps(e, edit))) throw new Refuse(`its edit in ${file.path} at line ${file.doc.text.slice(0, edit.start).split('\n').length} overlaps another edit; fix it by hand`);
      list.push(edit);
      staged.set(file, list);
    }
    // JSON files: an op another fix already made is made once; one that writes the same place
    // differently (a file read by several resources that need different values) is refused; and
    // the ops must apply to the file (no key written twice on the way ...).
    const jsonStaged = new Map<JsonFile, JsonOp[]>();
    for (const { file, op, parts, by } of p.json) {
      const key = JSON.stringify([op.op, parts, op.op === 'delete' ? null : op.value]);
      const list = jsonStaged.get(file) ?? [];
      if (file.ops.some((o) => o.key === key) || list.some((o) => o.key === key)) continue;
      const clash = file.ops.find((o) => o.by !== by && related(o.parts, parts));
      if (clash) throw new Refuse(`${file.path} is also edited by the fix of ${clash.by}, which writes ${describeJsonPath(clash.parts)} differently (the file is read by several resources that need different values); fix it by hand`);
      list.push({ op, parts, key, by });
      jsonStaged.set(file, list);
    }
    for (const [file, list] of jsonStaged) {
      try {
        applyJsonOps({ ...file, ops: [...file.ops, ...list] }, this.context.region);
      } catch (e) {
        if (e instanceof JsonEditRefused) throw new Refuse(`${file.path}: ${e.message}`);
        throw e;
      }
    }
    for (const [file, list] of staged) file.edits.push(...list);
    for (const c of p.created) c.file.created.set(c.id, c.text);
    for (const [file, list] of jsonStaged) file.ops.push(...list);
  }

  /** The changed files. */
  files(): Map<string, FileChange> {
    const out = new Map<string, FileChange>();
    for (const f of this.hcl.values()) {
      if (!f.edits.length) continue;
      const after = f.bom + H.applyTextEdits(f.doc.text, f.edits);
      if (after !== f.before) out.set(f.path, { before: f.before, after });
    }
    for (const f of this.json.values()) {
      if (!f.ops.length) continue;
      const after = applyJsonOps(f, this.context.region);
      if (after !== f.before) out.set(f.path, { before: f.before, after });
    }
    return out;
  }
}

/** True when one path is the other or lies under it (`a.b` and `a.b.c`). */
function related(a: PathPart[], b: PathPart[]): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Applies a JSON file's ops one after the other, in an order that keeps the original paths valid,
 * with minimal edits in the file's own formatting (src/fix/json-edit.ts: a file written on one
 * line stays on one line, nothing around the edit is reformatted). A set under objects that do
 * not exist yet creates them. Throws JsonEditRefused when an op cannot be made.
 */
function applyJsonOps(f: JsonFile, region: string | undefined): string {
  const byOp = new Map(f.ops.map((o) => [o.op, o.parts]));
  let text = f.text;
  for (const op of orderOps(f.ops.map((o) => o.op))) {
    const parts = byOp.get(op)!;
    const tree = parseTree(text);
    // The shortest part of the path that does not exist: it is set to what is below it, with the value.
    let missing = 0;
    if (tree && op.op !== 'delete') {
      for (let i = 1; i < parts.length; i++) {
        if (!findNodeAtLocation(tree, parts.slice(0, i))) {
          missing = i;
          break;
        }
      }
    }
    let edit: JsonEdit;
    if (op.op === 'delete') edit = { op: 'delete', path: parts };
    else if (missing > 0) {
      if (parts.slice(missing - 1).some((p) => typeof p !== 'string')) throw new JsonEditRefused(`${describeJsonPath(parts)}: a list on the path is missing`);
      edit = { op: 'set', path: parts.slice(0, missing), value: materialise(nest(parts.slice(missing), op, op.path), region) };
    } else if (op.op === 'set') edit = { op: 'set', path: parts, value: materialise(op.value, region) };
    else edit = { op: 'append', path: parts, value: materialise(op.value, region) };
    text = applyJsonEdits(text, [edit]);
  }
  return f.bom + text;
}

/** The top-level `resource "type" "name"` block of a file. */
function findResource(root: SyntaxNode, type: string, name: string): SyntaxNode | undefined {
  const body = H.kids(root).find((c) => c.type === 'body');
  return body ? H.kids(body).find((b) => b.type === 'block' && H.nameOf(b) === 'resource' && H.labelsOf(b)[0] === type && H.labelsOf(b)[1] === name) : undefined;
}

/** The top-level `module "name"` block of a file. */
function findModuleBlock(root: SyntaxNode, name: string): SyntaxNode | undefined {
  const body = H.kids(root).find((c) => c.type === 'body');
  return body ? H.kids(body).find((b) => b.type === 'block' && H.nameOf(b) === 'module' && H.labelsOf(b)[0] === name) : undefined;
}

/** Blocks of a type in a block's body, static and `dynamic "type"`, in order. */
function blocksOf(block: SyntaxNode, type: string): SyntaxNode[] {
  return H.bodyItems(block).filter((c) => c.type === 'block' && (H.nameOf(c) === type || (H.nameOf(c) === 'dynamic' && H.labelsOf(c)[0] === type)));
}

const isDynamic = (b: SyntaxNode) => H.nameOf(b) === 'dynamic';
const lineOf = (n: SyntaxNode) => n.startPosition.row + 1;

/** What planning one fix on one root-module resource needs. */
interface OpCtx {
  s: Session;
  /** The fix: `<resource id> <control>`. */
  by: string;
  /** The fix being planned (for resources of the root module). */
  fix?: ControlFix;
  file: HclFile;
  resource: Resource;
  p: Proposal;
  /** Deletions of list items and object elements, by container, made together at the end. */
  deletes: Map<number, { container: SyntaxNode; idx: Set<number> }>;
  /**
   * The list items and object elements any fix of the resource deletes, by container: new members
   * are never anchored on them (a comma added after a member that another fix removes would be
   * left behind).
   */
  doomed?: Map<number, Set<number>>;
  /**
   * New object elements and attributes, by container and key, written at the end: two ops that
   * create one absent key (two appends to an absent `secrets`) must give one key, not two.
   */
  pending: Map<string, { kind: 'member' | 'attr'; container: SyntaxNode; key: string; value: FixValue }>;
}

/** Two values written under one new key: objects merged key by key, lists concatenated, else the later one. */
function mergeValues(a: FixValue, b: FixValue): FixValue {
  const isObj = (v: FixValue): v is { [k: string]: FixValue } => !!v && typeof v === 'object' && !Array.isArray(v) && !isRegionValue(v);
  if (Array.isArray(a) && Array.isArray(b)) return [...a, ...b];
  if (isObj(a) && isObj(b)) {
    const out: { [k: string]: FixValue } = { ...a };
    for (const [k, v] of Object.entries(b)) out[k] = k in out ? mergeValues(out[k], v) : v;
    return out;
  }
  return b;
}

/** Records a new element (`member`, in an HCL object) or attribute (`attr`, in a block body). */
function addPending(ctx: OpCtx, kind: 'member' | 'attr', container: SyntaxNode, key: string, value: FixValue): void {
  const id = `${kind}:${container.id}:${key}`;
  const have = ctx.pending.get(id);
  if (have) have.value = mergeValues(have.value, value);
  else ctx.pending.set(id, { kind, container, key, value });
}

/** Writes the recorded new elements and attributes, in the order they were first needed. */
function flushPending(ctx: OpCtx): void {
  for (const [id, p] of ctx.pending) {
    if (p.kind === 'member') insertMember(ctx, p.container, p.key, p.value);
    else insertAttr(ctx, p.container, p.key, p.value);
    ctx.p.created.push({ file: ctx.file, id, text: ctx.p.hcl[ctx.p.hcl.length - 1].edit.text });
  }
}

function addEdit(ctx: OpCtx, start: number, end: number, text: string): void {
  ctx.p.hcl.push({ file: ctx.file, edit: { start, end, text } });
}

function renderOpts(ctx: OpCtx, unit: string, style?: H.ObjectStyle): H.RenderOptions {
  return {
    unit,
    style,
    eol: ctx.file.doc.eol,
    region: ctx.s.context.region,
    onPlaceholder: () => {
      if (!ctx.p.todo.includes(REGION_TODO)) ctx.p.todo.push(REGION_TODO);
    },
  };
}

/** A refusal for a value that is not a literal written in the resource. */
function notLiteral(path: string, expr: SyntaxNode): Refuse {
  const v = H.directVariable(expr);
  const hint = v
    ? `; change the variable ${v} (its default, terraform.tfvars or -var) instead, or write the value here`
    : H.usesCountOrEach(expr)
      ? '; values made by count or for_each are not changed automatically'
      : '; only values written as literals are changed automatically';
  return new Refuse(`${path} is ${H.describeExpr(expr)}${hint}`);
}

/** The padding before `=` for a new member after `siblings`, keeping `terraform fmt` alignment when they use it. */
function padFor(siblings: SyntaxNode[], key: string, multiline: boolean): string {
  const last = siblings[siblings.length - 1];
  if (!last || multiline || !H.oneLine(last)) return ' ';
  const run: SyntaxNode[] = [];
  for (let i = siblings.length - 1; i >= 0; i--) {
    const m = siblings[i];
    if (!H.oneLine(m) || (run.length && m.endPosition.row + 1 !== run[run.length - 1].startPosition.row)) break;
    run.push(m);
  }
  const sep = (m: SyntaxNode) => H.token(m, '=') ?? H.token(m, ':');
  const aligned = run.some((m) => {
    const eq = sep(m);
    const k = H.keyNode(m);
    return !!eq && !!k && eq.startIndex - k.endIndex > 1;
  });
  const eq = sep(last);
  if (!aligned || !eq) return ' ';
  const width = eq.startIndex - last.startIndex;
  return key.length < width ? ' '.repeat(width - key.length) : ' ';
}

/** The style of an object, for what is added to it (src/fix/terraform-hcl.ts styleOf). */
function objectStyle(ctx: OpCtx, obj: SyntaxNode): H.ObjectStyle {
  const doc = ctx.file.doc;
  const style = H.styleOf(obj, (p) => doc.commaAfter(p));
  // A one-line object always separates with commas: that says nothing of objects written over lines.
  return H.oneLine(obj) ? { ...style, commas: false, trailing: false } : style;
}

/** The style of the object a node is written in (HCL style outside objects: block attributes). */
function styleAround(ctx: OpCtx, n: SyntaxNode): H.ObjectStyle {
  for (let p = n.parent; p; p = p.parent) {
    if (p.type === 'object') return objectStyle(ctx, p);
    if (p.type === 'block' || p.type === 'attribute') break;
  }
  return H.HCL_STYLE;
}

/** The members of a container that neither this fix nor another fix of the resource deletes. */
function keptMembers(ctx: OpCtx, coll: SyntaxNode): SyntaxNode[] {
  const gone = ctx.deletes.get(coll.id)?.idx;
  const doomed = ctx.doomed?.get(coll.id);
  return H.membersOf(coll).filter((_, i) => !gone?.has(i) && !doomed?.has(i));
}

/**
 * Inserts `key = value` into an HCL object (after its last element that stays; `, key = value`
 * in a one-line object), in the object's own style (`"key": value,` in an object written so).
 */
function insertMember(ctx: OpCtx, obj: SyntaxNode, key: string, value: FixValue): void {
  const doc = ctx.file.doc;
  const elems = keptMembers(ctx, obj);
  const open = H.kids(obj).find((c) => c.type === 'object_start')!;
  const close = H.kids(obj).find((c) => c.type === 'object_end')!;
  const style = objectStyle(ctx, obj);
  if (H.oneLine(obj)) {
    const v = H.renderValue(value, '', renderOpts(ctx, doc.unit, style), true);
    const last = H.membersOf(obj)[H.membersOf(obj).length - 1];
    if (last) addEdit(ctx, last.endIndex, last.endIndex, `, ${H.memberHead(key, style)}${v}`);
    else addEdit(ctx, open.endIndex, close.startIndex, ` ${H.memberHead(key, style)}${v} `);
    return;
  }
  const closeIndent = doc.indentAt(close.startIndex);
  const last = elems[elems.length - 1];
  const indent = last && doc.firstOnLine(last.startIndex) ? doc.indentAt(last.startIndex) : closeIndent + doc.unit;
  const unit = doc.unitBetween(closeIndent, indent);
  const v = H.renderValue(value, indent, renderOpts(ctx, unit, style));
  const pad = style.sep === ':' ? ' ' : padFor(H.membersOf(obj), H.styledKey(key, style), v.includes('\n'));
  const head = H.memberHead(key, style, pad);
  if (!last) {
    const at = doc.insertionAfter(open.endIndex) ?? open.endIndex;
    addEdit(ctx, at, at, `${doc.eol}${indent}${head}${v}`);
    return;
  }
  const comma = doc.commaAfter(last.endIndex);
  const after = comma ?? last.endIndex;
  const at = doc.insertionAfter(after) ?? after;
  // Members separated by commas, the last one without: it gets one before the new member.
  const lead = comma === null && style.commas;
  if (lead && at !== after) addEdit(ctx, last.endIndex, last.endIndex, ',');
  addEdit(ctx, at, at, `${lead && at === after ? ',' : ''}${doc.eol}${indent}${head}${v}${comma !== null ? ',' : ''}`);
}

/** Appends an item to an HCL tuple written in the file. */
function appendItem(ctx: OpCtx, tuple: SyntaxNode, value: FixValue): void {
  const doc = ctx.file.doc;
  const items = keptMembers(ctx, tuple);
  if (!items.length && H.membersOf(tuple).length) throw new Refuse(`the list at line ${lineOf(tuple)} loses all its items to another edit; change it by hand`);
  const close = H.kids(tuple).find((c) => c.type === 'tuple_end')!;
  const last = items[items.length - 1];
  // The new item is written like the objects already in the list (or the object around it).
  const lastObj = last ? H.collectionOf(last) : null;
  const style = lastObj?.type === 'object' ? objectStyle(ctx, lastObj) : styleAround(ctx, tuple);
  if (!last) {
    const indent = doc.indentAt(tuple.startIndex);
    addEdit(ctx, tuple.startIndex, tuple.endIndex, H.renderValue([value], indent, renderOpts(ctx, doc.unit, style), H.oneLine(tuple) && !H.needsMultiline(value)));
    return;
  }
  if (H.oneLine(tuple)) {
    const end = H.membersOf(tuple)[H.membersOf(tuple).length - 1];
    addEdit(ctx, end.endIndex, end.endIndex, `, ${H.renderValue(value, '', renderOpts(ctx, doc.unit, style), true)}`);
    return;
  }
  const closeIndent = doc.indentAt(close.startIndex);
  const indent = doc.firstOnLine(last.startIndex) ? doc.indentAt(last.startIndex) : closeIndent + doc.unit;
  const v = H.renderValue(value, indent, renderOpts(ctx, doc.unitBetween(closeIndent, indent), style));
  const comma = doc.commaAfter(last.endIndex);
  if (comma !== null) {
    const at = doc.insertionAfter(comma) ?? comma;
    addEdit(ctx, at, at, `${doc.eol}${indent}${v},`);
    return;
  }
  const at = doc.insertionAfter(last.endIndex);
  if (at === null || at === last.endIndex) {
    addEdit(ctx, last.endIndex, last.endIndex, `,${doc.eol}${indent}${v}`);
  } else {
    // A comment follows the last item: the comma goes after the item, the new item after the comment.
    addEdit(ctx, last.endIndex, last.endIndex, ',');
    addEdit(ctx, at, at, `${doc.eol}${indent}${v}`);
  }
}

/** Removes the marked elements of each object or tuple, whole lines where they stand alone. */
function flushDeletes(ctx: OpCtx): void {
  const doc = ctx.file.doc;
  for (const { container, idx } of ctx.deletes.values()) {
    const members = H.membersOf(container);
    const alone = (m: SyntaxNode) => doc.firstOnLine(m.startIndex) && doc.restIsClean(doc.commaAfter(m.endIndex) ?? m.endIndex);
    const list = [...idx].sort((a, b) => a - b);
    if (!H.oneLine(container) && list.every((i) => alone(members[i]))) {
      for (const i of list) {
        const m = members[i];
        addEdit(ctx, doc.prevEol(m.startIndex), doc.lineEnd(doc.commaAfter(m.endIndex) ?? m.endIndex), '');
      }
      continue;
    }
    for (let r = 0; r < list.length; ) {
      let e = r;
      while (e + 1 < list.length && list[e + 1] === list[e] + 1) e++;
      const a = list[r];
      const b = list[e];
      if (b + 1 < members.length) addEdit(ctx, members[a].startIndex, members[b + 1].startIndex, '');
      else if (a > 0) addEdit(ctx, members[a - 1].endIndex, members[b].endIndex, '');
      else {
        const k = H.kids(container);
        addEdit(ctx, k[0].endIndex, k[k.length - 1].startIndex, '');
      }
      r = e + 1;
    }
  }
}

function markDelete(ctx: OpCtx, container: SyntaxNode, index: number): void {
  const have = ctx.deletes.get(container.id) ?? { container, idx: new Set<number>() };
  have.idx.add(index);
  ctx.deletes.set(container.id, have);
}

/** Replaces a literal value written in the file. */
function replaceValue(ctx: OpCtx, member: SyntaxNode, valueNode: SyntaxNode, value: FixValue, inline: boolean): void {
  const doc = ctx.file.doc;
  const indent = doc.indentAt(member.startIndex);
  const parent = member.parent;
  const unit = parent ? doc.unitBetween(doc.indentAt(parent.startIndex), indent) : doc.unit;
  addEdit(ctx, valueNode.startIndex, valueNode.endIndex, H.renderValue(value, indent, renderOpts(ctx, unit, styleAround(ctx, valueNode)), inline));
}

/** `7 and 9`, `3, 5 and 8`: the lines of nodes, for messages. */
function linesOf(nodes: SyntaxNode[]): string {
  const l = nodes.map(lineOf);
  return l.length > 1 ? `${l.slice(0, -1).join(', ')} and ${l[l.length - 1]}` : String(l[0]);
}

/** Refuses a key written more than once in one object or block: Terraform rejects it, and the scan reads the last one. */
function refuseDuplicates(path: string, same: SyntaxNode[], where: string): void {
  if (same.length > 1) throw new Refuse(`${path} is written ${same.length} times in one ${where} (lines ${linesOf(same)}): Terraform rejects a duplicate, and ecsguard reads the last one; remove the duplicates by hand first`);
}

/** Applies the rest of an op inside an HCL expression written in the file (objects and tuples of `jsonencode`, attribute values). */
function exprOp(ctx: OpCtx, expr: SyntaxNode, parts: PathPart[], op: FixOp, path: string): void {
  const coll = H.collectionOf(expr);
  if (!coll) throw notLiteral(path, expr);
  const head = parts[0];
  const last = parts.length === 1;
  if (typeof head === 'number') {
    const here = `${path}[${head}]`;
    if (coll.type !== 'tuple') throw new Refuse(`${path} is not written as a list`);
    const items = H.membersOf(coll);
    const item = items[head];
    if (!item) throw new Refuse(`${here} is not in the list written in ${ctx.file.path}`);
    if (!last) return exprOp(ctx, item, parts.slice(1), op, here);
    if (op.op === 'append') {
      const t = H.collectionOf(item);
      if (!t || t.type !== 'tuple') throw notLiteral(here, item);
      return appendItem(ctx, t, op.value);
    }
    if (!H.isLiteral(item)) throw notLiteral(here, item);
    if (op.op === 'delete') return markDelete(ctx, coll, head);
    return replaceValue(ctx, item, item, op.value, H.oneLine(coll));
  }
  const here = path ? `${path}.${head}` : head;
  if (coll.type !== 'object') throw new Refuse(`${path} is not written as an object`);
  const elems = H.membersOf(coll);
  refuseDuplicates(here, H.elemsWithKey(coll, head), 'object');
  const elem = elems.find((e) => H.elemKey(e) === head);
  if (!elem && elems.some((e) => H.elemKey(e) === null)) throw new Refuse(`${path} has computed keys, so ${head} cannot be located`);
  if (!elem) {
    if (op.op === 'delete') return;
    return addPending(ctx, 'member', coll, head, nest(parts.slice(1), op, here));
  }
  const value = H.valueOf(elem)!;
  if (!last) return exprOp(ctx, value, parts.slice(1), op, here);
  if (op.op === 'append') {
    const t = H.collectionOf(value);
    if (!t || t.type !== 'tuple') throw notLiteral(here, value);
    return appendItem(ctx, t, op.value);
  }
  if (!H.isLiteral(value)) throw notLiteral(here, value);
  if (op.op === 'delete') return markDelete(ctx, coll, elems.indexOf(elem));
  return replaceValue(ctx, elem, value, op.value, H.oneLine(coll));
}

/** A `file()` path written as a literal, or as `"${path.module}/..."`; null otherwise. */
function literalFilePath(arg: SyntaxNode, moduleDir: string): string | null {
  const plain = H.literalString(arg);
  if (plain !== null) return plain;
  const u = H.unwrap(arg);
  if (u.type !== 'quoted_template') return null;
  let out = '';
  for (const c of u.children) {
    if (!c || c.type === 'quoted_template_start' || c.type === 'quoted_template_end') continue;
    if (c.type === 'template_literal') out += H.unescapeHcl(c.text);
    else if (c.type === 'template_interpolation') {
      const e = H.kids(c).find((x) => x.type === 'expression')?.text.trim();
      if (e === 'path.module') out += moduleDir;
      else if (e === 'path.root') out += '.';
      else return null;
    } else return null;
  }
  return out;
}

/** The JSON file a `file()` argument written in `file` reads (path as the scan names files), or null when its path is not a literal. */
function jsonPathOf(arg: SyntaxNode, file: string, root: string): string | null {
  const moduleDir = relative(resolve(root), resolve(dirname(file))) || '.';
  const rel = literalFilePath(arg, moduleDir);
  return rel === null ? null : displayPath(resolve(root, rel));
}

/** The argument of `container_definitions = file(...)` in a resource block, or null. */
function fileArgOf(block: SyntaxNode): SyntaxNode | null {
  const attr = H.findAttr(block, 'container_definitions');
  const u = attr ? H.unwrap(H.valueOf(attr)!) : null;
  if (!u || u.type !== 'function_call' || H.kids(u)[0]?.text !== 'file') return null;
  const args = H.kids(u).find((c) => c.type === 'function_arguments');
  const list = args ? H.kids(args).filter((c) => c.type === 'expression') : [];
  return list.length === 1 ? list[0] : null;
}

/** The edits of a fix in the container definitions (what it writes in a JSON file read with file()). */
const containerOps = (f: ControlFix) => JSON.stringify(f.ops.filter((o) => o.path.startsWith('containerDefinitions')));

/**
 * A JSON file read with file() by several task definitions of the root module: an edit of it
 * changes them all, so it is made only when each of the others gets the same fix with the same
 * edits (otherwise: refused, the file left alone).
 */
function checkOtherReaders(ctx: OpCtx, jsonPath: string, root: string): void {
  const fix = ctx.fix;
  if (!fix) return;
  const me = parseAddress(ctx.resource.id);
  for (const f of ctx.s.folder(root)) {
    const body = H.kids(f.root).find((c) => c.type === 'body');
    for (const b of body ? H.kids(body) : []) {
      if (b.type !== 'block' || H.nameOf(b) !== 'resource' || H.labelsOf(b)[0] !== 'aws_ecs_task_definition') continue;
      const name = H.labelsOf(b)[1];
      if (f.path === ctx.file.path && me && me.type === 'aws_ecs_task_definition' && name === me.name) continue;
      const arg = fileArgOf(b);
      if (!arg || jsonPathOf(arg, f.path, root) !== jsonPath) continue;
      const readers = ctx.s.targets.filter((t) => {
        const a = parseAddress(t.resource.id);
        return a && !a.modules.length && a.type === 'aws_ecs_task_definition' && a.name === name && resolve(t.resource.root ?? '.') === resolve(root);
      });
      const id = `aws_ecs_task_definition.${name}`;
      if (!readers.length) throw new Refuse(`${jsonPath} is also read by ${id} (${f.path}:${lineOf(b)}), which does not need this fix: an edit of the file would change it too; fix it by hand (give each task definition its own file, for instance)`);
      for (const u of readers) {
        const theirs = u.plan.fixes.find((x) => x.control === fix.control);
        if (!theirs || containerOps(theirs) !== containerOps(fix)) {
          throw new Refuse(`${jsonPath} is also read by ${u.resource.id}, which ${theirs ? `needs other edits for ${fix.control}` : 'does not get this fix'}: an edit of the file would change it too; fix it by hand (give each task definition its own file, for instance)`);
        }
      }
    }
  }
}

/** An op under `containerDefinitions` of `file("x.json")`: recorded for the JSON file. */
function jsonFileOp(ctx: OpCtx, arg: SyntaxNode, parts: PathPart[], op: FixOp): void {
  const root = ctx.resource.root ?? dirname(ctx.file.path);
  const path = jsonPathOf(arg, ctx.file.path, root);
  if (path === null) throw new Refuse(`container_definitions is file(${arg.text}), whose path is not a literal; edit the JSON file by hand`);
  checkOtherReaders(ctx, path, root);
  const jf = ctx.s.loadJson(path);
  const errors: ParseError[] = [];
  const tree = parseTree(jf.text, errors, { disallowComments: true, allowTrailingComma: false });
  if (!tree || errors.length || tree.type !== 'array') throw new Refuse(`${jf.path} is not a JSON list of container definitions`);
  const dup = duplicateOnPath(tree, parts);
  if (dup) throw new Refuse(`${jf.path}: ${dup}`);
  const container = findNodeAtLocation(tree, [parts[0]]);
  if (!container || container.type !== 'object') throw new Refuse(`containerDefinitions[${String(parts[0])}] is not an object in ${jf.path}`);
  const target = findNodeAtLocation(tree, parts);
  // Every existing ancestor must be an object or list of the kind the next part needs.
  for (let i = 1; i < parts.length; i++) {
    const n: JsonNode | undefined = findNodeAtLocation(tree, parts.slice(0, i));
    if (!n) {
      if (op.op === 'delete') return;
      if (parts.slice(i - 1).some((p) => typeof p !== 'string')) throw new Refuse(`${op.path}: a list on the path is missing in ${jf.path}`);
      break;
    }
    if (n.type !== (typeof parts[i] === 'number' ? 'array' : 'object')) throw new Refuse(`${op.path}: ${jf.path} has another kind of value on the path`);
  }
  if (op.op === 'delete' && !target) return;
  if (op.op === 'append' && target && target.type !== 'array') throw new Refuse(`${op.path} is not a list in ${jf.path}`);
  if (op.op !== 'delete' && containsRegion(op.value) && !ctx.s.context.region && !ctx.p.todo.includes(REGION_TODO)) ctx.p.todo.push(REGION_TODO);
  ctx.p.json.push({ file: jf, op: op.op !== 'delete' && containsRegion(op.value) && !ctx.s.context.region ? { ...op, value: withPlaceholder(op.value) } : op, parts, by: ctx.by });
}

function containsRegion(v: FixValue): boolean {
  if (isRegionValue(v)) return true;
  if (Array.isArray(v)) return v.some(containsRegion);
  return !!v && typeof v === 'object' && Object.values(v).some(containsRegion);
}

function withPlaceholder(v: FixValue): FixValue {
  if (isRegionValue(v)) return H.REGION_PLACEHOLDER;
  if (Array.isArray(v)) return v.map(withPlaceholder);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, withPlaceholder(x)]));
  return v;
}

/** An op under `containerDefinitions`: a literal jsonencode tuple, or a JSON file read with file(). */
function containerOp(ctx: OpCtx, attr: SyntaxNode, parts: PathPart[], op: FixOp): void {
  const expr = H.valueOf(attr)!;
  const u = H.unwrap(expr);
  if (u.type === 'function_call') {
    const name = H.kids(u)[0]?.text ?? '';
    const args = H.kids(u).find((c) => c.type === 'function_arguments');
    const argExprs = args ? H.kids(args).filter((c) => c.type === 'expression') : [];
    if (name === 'jsonencode' && argExprs.length === 1) {
      const coll = H.collectionOf(argExprs[0]);
      if (!coll || coll.type !== 'tuple') throw new Refuse(`container_definitions is jsonencode(${H.describeExpr(argExprs[0])}); only a list written in the resource (jsonencode([ { ... } ])) is changed automatically`);
      return exprOp(ctx, argExprs[0], parts, op, 'containerDefinitions');
    }
    if (name === 'file' && argExprs.length === 1) return jsonFileOp(ctx, argExprs[0], parts, op);
    if (name === 'templatefile') throw new Refuse('container_definitions comes from templatefile(): a template rendered with variables is not changed automatically; edit the template by hand, or convert it to jsonencode([...]) to allow automatic fixes');
    throw new Refuse(`container_definitions is ${H.describeExpr(expr)}; only jsonencode([ { ... } ]) written in the resource, or file() of a JSON file, is changed automatically`);
  }
  if (u.type === 'heredoc_template') throw new Refuse('container_definitions is a heredoc string: convert it to jsonencode([...]) to allow automatic fixes');
  if (H.literalString(expr) !== null) throw new Refuse('container_definitions is a JSON string: convert it to jsonencode([...]) to allow automatic fixes');
  throw notLiteral('container_definitions', expr);
}

/** Inserts `name = value` into a block body, after its last attribute (first in the body when it has none). */
function insertAttr(ctx: OpCtx, block: SyntaxNode, name: string, value: FixValue): void {
  const doc = ctx.file.doc;
  const kidsOf = H.kids(block);
  const open = kidsOf.find((c) => c.type === 'block_start');
  const close = kidsOf.find((c) => c.type === 'block_end');
  if (!open || !close) throw new Refuse(`the block at line ${lineOf(block)} is not complete`);
  const outer = doc.indentAt(block.startIndex);
  const items = H.bodyItems(block);
  const attrs = items.filter((c) => c.type === 'attribute');
  if (H.oneLine(block)) {
    // `x { a = 1 }`: HCL allows one attribute on a one-line block, so the block becomes multi-line.
    const indent = outer + doc.unit;
    const inner = items.map((c) => `${doc.eol}${indent}${c.text}`).join('');
    const v = H.renderValue(value, indent, renderOpts(ctx, doc.unit));
    addEdit(ctx, open.endIndex, close.startIndex, `${inner}${doc.eol}${indent}${name} = ${v}${doc.eol}${outer}`);
    return;
  }
  const last = attrs[attrs.length - 1];
  const indent = last ? doc.indentAt(last.startIndex) : items[0] ? doc.indentAt(items[0].startIndex) : outer + doc.unit;
  const v = H.renderValue(value, indent, renderOpts(ctx, doc.unitBetween(outer, indent)));
  const pad = padFor(attrs, name, v.includes('\n'));
  const at = doc.insertionAfter(last ? last.endIndex : open.endIndex);
  if (at === null) throw new Refuse(`the block at line ${lineOf(block)} has an unusual layout; add ${name} by hand`);
  addEdit(ctx, at, at, `${doc.eol}${indent}${name}${pad}= ${v}`);
}

/** Appends a new nested block after the last block of its type (or at the end of the body). */
function appendBlock(ctx: OpCtx, block: SyntaxNode, type: string, lines: H.BlockLine[]): void {
  const doc = ctx.file.doc;
  const open = H.kids(block).find((c) => c.type === 'block_start');
  if (!open || H.oneLine(block)) throw new Refuse(`the block at line ${lineOf(block)} is written on one line; add the ${type} block by hand`);
  const items = H.bodyItems(block);
  const same = blocksOf(block, type);
  const outer = doc.indentAt(block.startIndex);
  let anchor: SyntaxNode | undefined = same[same.length - 1];
  let sep = doc.eol + doc.eol;
  if (anchor) {
    const prev = items[items.indexOf(anchor) - 1];
    if (prev && blocksOf(block, type).includes(prev) && prev.endPosition.row + 1 === anchor.startPosition.row) sep = doc.eol;
  } else anchor = items[items.length - 1];
  const indent = anchor ? doc.indentAt(anchor.startIndex) : outer + doc.unit;
  if (!anchor) sep = doc.eol;
  const at = doc.insertionAfter(anchor ? anchor.endIndex : open.endIndex);
  if (at === null) throw new Refuse(`the block at line ${lineOf(block)} has an unusual layout; add the ${type} block by hand`);
  addEdit(ctx, at, at, `${sep}${indent}${H.renderBlock(type, lines, indent, renderOpts(ctx, doc.unitBetween(outer, indent)))}`);
}

/** Removes an attribute or block that stands on lines of its own. */
function removeLines(ctx: OpCtx, node: SyntaxNode, what: string): void {
  const doc = ctx.file.doc;
  if (!doc.firstOnLine(node.startIndex) || !doc.restIsClean(node.endIndex)) throw new Refuse(`${what} shares its line with other text; remove it by hand`);
  addEdit(ctx, doc.prevEol(node.startIndex), doc.lineEnd(node.endIndex), '');
}

/** The one block of a type in a body, or undefined; refuses a `dynamic` one. */
function singleBlock(block: SyntaxNode, type: string, path: string): SyntaxNode | undefined {
  const all = blocksOf(block, type);
  if (all.length > 1 && !all.some(isDynamic)) refuseDuplicates(`${path} (${type})`, all, 'block');
  const found = all[0];
  if (found && isDynamic(found)) throw new Refuse(`${path} is made by a dynamic "${type}" block (line ${lineOf(found)}); blocks made by dynamic are not changed automatically`);
  return found;
}

/** The i-th block of a list of blocks, refusing when a `dynamic` block comes first (its count is unknown here). */
function nthBlock(block: SyntaxNode, type: string, i: number, path: string): SyntaxNode {
  let n = 0;
  for (const b of blocksOf(block, type)) {
    if (isDynamic(b)) throw new Refuse(`${path} may be made by the dynamic "${type}" block at line ${lineOf(b)}; blocks made by dynamic are not changed automatically`);
    if (n === i) return b;
    n++;
  }
  throw new Refuse(`${path}: there is no ${type} block #${i + 1} in the resource`);
}

/** Applies an op to a block body (the resource, or a nested block), through the provider mapping `spec`. */
function bodyOp(ctx: OpCtx, block: SyntaxNode, parts: PathPart[], op: FixOp, spec: Spec, prefix: string): void {
  const head = parts[0];
  if (typeof head !== 'string') throw new Refuse(`${op.path} cannot be mapped to Terraform`);
  const here = prefix ? `${prefix}.${head}` : head;
  const [tf, field] = tfField(spec, head);
  const rest = parts.slice(1);
  if (field?.kind === 'containerDefinitions') {
    const attr = H.findAttr(block, tf);
    if (!attr) throw new Refuse('container_definitions is not written in the resource block');
    if (!rest.length) throw new Refuse('replacing all of container_definitions is not done automatically');
    return containerOp(ctx, attr, rest, op);
  }
  if (field?.kind === 'publicIp') {
    if (rest[0] !== 'awsvpcConfiguration' || rest.length < 2) throw new Refuse(`${op.path} cannot be mapped to the ${tf} block`);
    const blk = singleBlock(block, tf, here);
    if (!blk) throw new Refuse(`the ${tf} block is not written in the resource`);
    return bodyOp(ctx, blk, rest.slice(1), op, AWSVPC_SPEC, `${here}.awsvpcConfiguration`);
  }
  if (field?.kind) throw new Refuse(`${here} (${tf}) is not changed automatically`);
  if (field?.block === 'list') {
    if (H.findAttr(block, tf)) throw new Refuse(`${tf} is written as an attribute, not as blocks; change it by hand`);
    if (!rest.length) {
      if (op.op !== 'append') throw new Refuse(`${op.op} of all of ${tf} is not done automatically`);
      return appendBlock(ctx, block, tf, blockLines(op.value, field.fields ?? {}, here));
    }
    const i = rest[0];
    if (typeof i !== 'number') throw new Refuse(`${op.path} cannot be mapped to Terraform`);
    const blk = nthBlock(block, tf, i, `${here}[${i}]`);
    if (rest.length === 1) {
      if (op.op === 'delete') return removeLines(ctx, blk, `the ${tf} block at line ${lineOf(blk)}`);
      throw new Refuse(`${op.op} of a whole ${tf} block is not done automatically`);
    }
    return bodyOp(ctx, blk, rest.slice(1), op, field.fields ?? {}, `${here}[${i}]`);
  }
  if (field?.block === 'single') {
    const blk = singleBlock(block, tf, here);
    if (!blk) {
      if (op.op === 'delete') return;
      if (!rest.length) throw new Refuse(`${op.op} of a whole ${tf} block is not done automatically`);
      return appendBlock(ctx, block, tf, blockLines(nest(rest, op, here), field.fields ?? {}, here));
    }
    if (!rest.length) {
      if (op.op === 'delete') return removeLines(ctx, blk, `the ${tf} block at line ${lineOf(blk)}`);
      throw new Refuse(`${op.op} of a whole ${tf} block is not done automatically`);
    }
    return bodyOp(ctx, blk, rest, op, field.fields ?? {}, here);
  }
  if (blocksOf(block, tf).length) throw new Refuse(`${tf} is written as a block; change it by hand`);
  refuseDuplicates(tf, H.bodyItems(block).filter((c) => c.type === 'attribute' && H.nameOf(c) === tf), 'block');
  const attr = H.findAttr(block, tf);
  if (rest.length) {
    if (!attr) {
      if (op.op === 'delete') return;
      return addPending(ctx, 'attr', block, tf, nest(rest, op, here));
    }
    return exprOp(ctx, H.valueOf(attr)!, rest, op, here);
  }
  if (!attr) {
    if (op.op === 'delete') return;
    return addPending(ctx, 'attr', block, tf, op.op === 'append' ? [op.value] : tfValue(head, op.value));
  }
  const value = H.valueOf(attr)!;
  if (op.op === 'append') {
    const t = H.collectionOf(value);
    if (!t || t.type !== 'tuple') throw notLiteral(here, value);
    return appendItem(ctx, t, op.value);
  }
  if (!H.isLiteral(value)) throw notLiteral(here, value);
  if (op.op === 'delete') return removeLines(ctx, attr, `${tf} (line ${lineOf(attr)})`);
  return replaceValue(ctx, attr, value, tfValue(head, op.value), false);
}

/**
 * What the override files beside `file` (`override.tf`, `*_override.tf`) set in the block
 * `kind "labels"...`: the names of the attributes and nested block types each sets, whose values
 * win over those of `file` (Terraform merges override files last). Unreadable files set nothing.
 */
function overridesOf(s: Session, file: string, kind: string, labels: string[]): { path: string; names: Set<string> }[] {
  const dir = dirname(file);
  let names: string[];
  try {
    names = readdirSync(dir).filter(isOverrideFile).sort();
  } catch {
    return [];
  }
  const out: { path: string; names: Set<string> }[] = [];
  for (const n of names) {
    const path = displayPath(resolve(dir, n));
    if (path === file) continue;
    let f: HclFile;
    try {
      f = s.loadHcl(path);
    } catch {
      continue;
    }
    const body = H.kids(f.root).find((c) => c.type === 'body');
    for (const b of body ? H.kids(body) : []) {
      if (b.type !== 'block' || H.nameOf(b) !== kind || H.labelsOf(b).join('\u0000') !== labels.join('\u0000')) continue;
      const set = new Set(H.bodyItems(b).map((c) => (c.type === 'block' && isDynamic(c) ? H.labelsOf(c)[0] ?? '' : H.nameOf(c))));
      out.push({ path, names: set });
    }
  }
  return out;
}

/**
 * What `lifecycle { ignore_changes = [...] }` of a resource block lists: attribute and block names,
 * `*` for `all` (or anything that cannot be read); null without it. Terraform does not deploy
 * changes to those: an edit there would change the file and nothing else.
 */
function ignoredChanges(block: SyntaxNode): Set<string> | null {
  const lifecycle = H.bodyItems(block).find((c) => c.type === 'block' && H.nameOf(c) === 'lifecycle');
  const attr = lifecycle ? H.findAttr(lifecycle, 'ignore_changes') : undefined;
  if (!attr) return null;
  const v = H.valueOf(attr)!;
  const coll = H.collectionOf(v);
  if (!coll || coll.type !== 'tuple') return new Set(['*']);
  // `container_definitions`, `network_configuration[0].assign_public_ip`, `"pid_mode"` (older syntax): the first name.
  return new Set(H.membersOf(coll).map((m) => /^"?([A-Za-z_][A-Za-z0-9_-]*)/.exec(m.text.trim())?.[1] ?? '*'));
}

function refuseIgnored(ignored: Set<string> | null, name: string): void {
  if (!ignored || !(ignored.has('*') || ignored.has(name))) return;
  throw new Refuse(`lifecycle.ignore_changes of this resource ${ignored.has('*') ? 'is all' : `lists ${name}`}: terraform apply would not deploy the edit; take ${name} out of ignore_changes first, or change it where it is deployed from`);
}

/**
 * The list items and object elements the fixes of a resource delete, by container: planned once
 * for all of them, so that a fix that adds a member does not anchor it on one another fix removes.
 */
function doomedMembers(s: Session, t: PatchTarget, file: HclFile, block: SyntaxNode, spec: Spec): Map<number, Set<number>> {
  const out = new Map<number, Set<number>>();
  for (const fix of t.plan.fixes) {
    const p: Proposal = { hcl: [], json: [], created: [], changes: [], todo: [] };
    const ctx: OpCtx = { s, by: '', file, resource: t.resource, p, deletes: new Map(), pending: new Map() };
    for (const op of fix.ops) {
      if (op.op !== 'delete') continue;
      try {
        bodyOp(ctx, block, parsePath(op.path), op, spec, '');
      } catch {
        // A delete that cannot be planned is refused with its fix; it removes nothing.
      }
    }
    for (const [id, d] of ctx.deletes) out.set(id, new Set([...(out.get(id) ?? []), ...d.idx]));
  }
  return out;
}

/** Refuses an edit of `name` in `file` when an override file sets it (the edit would not take effect). */
function refuseOverridden(overrides: { path: string; names: Set<string> }[], name: string, what: string, file: string): void {
  const o = overrides.find((x) => x.names.has(name));
  if (o) throw new Refuse(`${o.path} sets ${name} for ${what}, and an override file wins over ${file}: the edit would not take effect; change it in ${o.path} by hand`);
}

/** The reason of a refusal; an unexpected error (a bug) costs the fix, never the run. */
function refusalOf(e: unknown): string {
  return e instanceof Refuse ? e.message : `the Terraform patcher failed (${e instanceof Error ? e.message : String(e)}); this fix was not applied`;
}

function refuseAll(s: Session, t: PatchTarget, reason: string): void {
  for (const fix of t.plan.fixes) s.refused.push({ control: fix.control, path: fix.ops[0]?.path ?? null, reason, resource: resourceRef(t.resource) });
}

/** Plans and commits the fixes of one resource of the root module. */
function patchRootTarget(s: Session, t: PatchTarget, addr: Address, spec: Spec): void {
  const r = t.resource;
  const path = (r.origin as { file: string }).file;
  let file: HclFile;
  try {
    file = s.loadHcl(path);
  } catch (e) {
    return refuseAll(s, t, (e as Error).message);
  }
  const block = findResource(file.root, addr.type, addr.name);
  if (!block) return refuseAll(s, t, `the block resource "${addr.type}" "${addr.name}" was not found in ${path}`);
  if (block.hasError) return refuseAll(s, t, `the block resource "${addr.type}" "${addr.name}" in ${path} has a syntax error`);
  const overrides = overridesOf(s, path, 'resource', [addr.type, addr.name]);
  const ignored = ignoredChanges(block);
  const doomed = doomedMembers(s, t, file, block, spec);
  for (const fix of t.plan.fixes) {
    if (!fix.ops.length) continue;
    const p: Proposal = { hcl: [], json: [], created: [], changes: [], todo: [] };
    const ctx: OpCtx = { s, by: `${r.id} ${fix.control}`, fix, file, resource: r, p, deletes: new Map(), pending: new Map(), doomed };
    let at: string | null = fix.ops[0]?.path ?? null;
    try {
      for (const op of fix.ops) {
        at = op.path;
        const head = parsePath(op.path)[0];
        if (typeof head === 'string') {
          refuseOverridden(overrides, tfField(spec, head)[0], 'this resource', path);
          refuseIgnored(ignored, tfField(spec, head)[0]);
        }
        bodyOp(ctx, block, parsePath(op.path), op, spec, '');
      }
      flushPending(ctx);
      flushDeletes(ctx);
      if (!p.hcl.length && !p.json.length) throw new Refuse(`nothing to change was found in ${path}: the failing values are not written in the resource block`);
      at = fix.ops[0]?.path ?? null;
      s.commit(p);
      const a = appliedOf(fix, r, p);
      s.applied.push(a);
      s.filesOf.set(a, filesOfProposal(p));
      s.rootOf.set(a, r.root ?? '.');
    } catch (e) {
      s.refused.push({ control: fix.control, path: at, reason: refusalOf(e), resource: resourceRef(r) });
    }
  }
  settleSameEdits(s, t);
}

/**
 * Fixes without edits of their own, whose edit another fix of the resource makes (the plan says
 * `the same edit as ECS.20`: ECS.21 on a task definition without an operating system family):
 * applied when that fix is, refused when it is not.
 */
function settleSameEdits(s: Session, t: PatchTarget): void {
  const ref = resourceRef(t.resource);
  for (const fix of t.plan.fixes) {
    if (fix.ops.length) continue;
    const named = [...new Set(fix.changes.flatMap((c) => [...c.matchAll(/the same edit as ([A-Z]+\.\d+)/g)].map((m) => m[1])))];
    const done = named.map((c) => s.applied.find((a) => a.control === c && a.resource.type === ref.type && a.resource.id === ref.id && a.resource.file === ref.file && s.rootOf.get(a) === (t.resource.root ?? '.')));
    if (named.length && done.every((a) => a !== undefined)) {
      const a: AppliedFix = { ...fix, resource: ref };
      s.applied.push(a);
      s.filesOf.set(a, [...new Set(done.flatMap((d) => s.filesOf.get(d!) ?? []))]);
      s.rootOf.set(a, t.resource.root ?? '.');
    } else {
      const reason = named.length ? `its edit is the one of ${named.join(', ')}, which was not applied` : 'the plan has no edit for it';
      s.refused.push({ control: fix.control, path: null, reason, resource: ref });
    }
  }
}

/** The files a proposal edits. */
function filesOfProposal(p: Proposal): string[] {
  return [...new Set([...p.hcl.map((x) => x.file.path), ...p.json.map((x) => x.file.path)])];
}

function appliedOf(fix: ControlFix, r: Resource, p: Proposal): AppliedFix {
  return { ...fix, changes: [...fix.changes, ...p.changes], todo: [...fix.todo, ...p.todo.filter((x) => !fix.todo.includes(x))], resource: resourceRef(r) };
}

/** Where a failing field is written inside a module: its expression, absent, or why it cannot be followed. */
type Found = { node: SyntaxNode } | { absent: true } | { why: string };

/** Looks fields up in a module's files, following `local.NAME` to its definition. */
class ModuleLookup {
  constructor(private readonly files: HclFile[]) {}

  /** Follows `local.NAME` (also chains of them) to the expression that defines it. */
  follow(expr: SyntaxNode): SyntaxNode {
    let cur = expr;
    for (let hops = 0; hops < 10; hops++) {
      const name = H.directLocal(cur);
      if (!name) return cur;
      let def: SyntaxNode | undefined;
      for (const f of this.files) {
        const body = H.kids(f.root).find((c) => c.type === 'body');
        for (const b of body ? H.kids(body) : []) if (b.type === 'block' && H.nameOf(b) === 'locals') def ??= H.findAttr(b, name);
      }
      const v = def ? H.valueOf(def) : undefined;
      if (!v) return cur;
      cur = v;
    }
    return cur;
  }

  /** The type constraint of the module's variable NAME as written (`string`, `list(string)` ...), or null. */
  variableType(name: string): string | null {
    for (const f of this.files) {
      const body = H.kids(f.root).find((c) => c.type === 'body');
      for (const b of body ? H.kids(body) : []) {
        if (b.type !== 'block' || H.nameOf(b) !== 'variable' || H.labelsOf(b)[0] !== name) continue;
        const t = H.findAttr(b, 'type');
        return t ? H.valueOf(t)!.text.trim() : null;
      }
    }
    return null;
  }

  /** How many times `var.NAME` appears in the module. */
  uses(name: string): number {
    const re = new RegExp(`\\bvar\\.${name}\\b`, 'g');
    return this.files.reduce((n, f) => n + (f.before.match(re)?.length ?? 0), 0);
  }

  body(block: SyntaxNode, parts: PathPart[], spec: Spec): Found {
    const head = parts[0];
    if (typeof head !== 'string') return { why: 'not a field' };
    const [tf, field] = tfField(spec, head);
    const rest = parts.slice(1);
    if (field?.kind === 'containerDefinitions') {
      const attr = H.findAttr(block, tf);
      if (!attr) return { absent: true };
      const e = this.follow(H.valueOf(attr)!);
      const u = H.unwrap(e);
      const args = u.type === 'function_call' && H.kids(u)[0]?.text === 'jsonencode' ? H.kids(u).find((c) => c.type === 'function_arguments') : undefined;
      const argExprs = args ? H.kids(args).filter((c) => c.type === 'expression') : [];
      if (argExprs.length !== 1) return { why: `container_definitions is ${H.describeExpr(e)}` };
      return this.expr(argExprs[0], rest);
    }
    if (field?.kind === 'publicIp') {
      const blk = blocksOf(block, tf)[0];
      if (!blk) return { absent: true };
      if (isDynamic(blk)) return { why: `${tf} is a dynamic block` };
      return this.body(blk, rest.slice(1), AWSVPC_SPEC);
    }
    if (field?.block) {
      const list = blocksOf(block, tf);
      let blk: SyntaxNode | undefined;
      let r = rest;
      if (field.block === 'list') {
        if (typeof rest[0] !== 'number') return { why: `${tf} is a list of blocks` };
        let n = 0;
        for (const b of list) {
          if (isDynamic(b)) return { why: `${tf} blocks are made by dynamic` };
          if (n++ === rest[0]) blk = b;
        }
        r = rest.slice(1);
      } else blk = list[0];
      if (!blk) return { absent: true };
      if (isDynamic(blk)) return { why: `${tf} is a dynamic block` };
      if (!r.length) return { why: `${tf} is a block` };
      return this.body(blk, r, field.fields ?? {});
    }
    const attr = H.findAttr(block, tf);
    if (!attr) return { absent: true };
    return this.expr(H.valueOf(attr)!, rest);
  }

  expr(expr: SyntaxNode, parts: PathPart[]): Found {
    const e = this.follow(expr);
    if (!parts.length) return { node: e };
    const coll = H.collectionOf(e);
    if (!coll) return { why: H.describeExpr(e) };
    const head = parts[0];
    const members = H.membersOf(coll);
    if (typeof head === 'number') {
      const item = coll.type === 'tuple' ? members[head] : undefined;
      return item ? this.expr(item, parts.slice(1)) : { absent: true };
    }
    const elem = coll.type === 'object' ? members.find((m) => H.elemKey(m) === head) : undefined;
    return elem ? this.expr(H.valueOf(elem)!, parts.slice(1)) : { absent: true };
  }
}

/** True when Terraform converts `v` to a variable of type `type` (a simple type; complex types are left to a human). */
function typeAccepts(type: string | null, v: FixValue): boolean {
  if (type === null || type === 'any') return true;
  if (type === 'string') return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
  if (type === 'number') return typeof v === 'number' || (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)));
  if (type === 'bool') return typeof v === 'boolean' || v === 'true' || v === 'false';
  return false;
}

/** A module block that calls the next module of an address, with the file it is in. */
interface ModuleCall {
  file: HclFile;
  block: SyntaxNode;
  source: string;
}

/** The module blocks of an address, from the root module down (fewer when one is not found). */
function moduleCalls(s: Session, root: string | undefined, modules: Address['modules']): ModuleCall[] {
  const out: ModuleCall[] = [];
  let dir = root;
  for (const m of modules) {
    if (dir === undefined) break;
    let found: ModuleCall | undefined;
    for (const f of s.folder(dir)) {
      const b = findModuleBlock(f.root, m.name);
      if (!b) continue;
      const src = H.findAttr(b, 'source');
      found = { file: f, block: b, source: (src && H.literalString(H.valueOf(src)!)) ?? '(unknown source)' };
      break;
    }
    if (!found) break;
    out.push(found);
    dir = found.source.startsWith('./') || found.source.startsWith('../') ? resolve(dir, found.source) : undefined;
  }
  return out;
}

/** The fixes of a resource defined in a module: module inputs set in the root's module block, or guidance. */
function patchModuleTarget(s: Session, t: PatchTarget, addr: Address, spec: Spec): void {
  const r = t.resource;
  const modFile = (r.origin as { file: string }).file;
  const calls = moduleCalls(s, r.root, addr.modules);
  const call = calls.length === addr.modules.length ? calls[calls.length - 1] : undefined;
  const source = call?.source ?? displayPath(dirname(modFile));
  const local = source.startsWith('./') || source.startsWith('../');
  const where = call ? `${call.file.path}:${lineOf(call.block)}` : null;
  const label = addr.prefix;
  let lookup: ModuleLookup | null = null;
  let block: SyntaxNode | undefined;
  try {
    const f = s.loadHcl(modFile);
    const files = s.folder(dirname(modFile));
    lookup = new ModuleLookup(files.some((x) => x.path === f.path) ? files : [f, ...files]);
    block = findResource(f.root, addr.type, addr.name);
  } catch {
    lookup = null;
  }
  const reasonBase = `${r.id} is defined in the module ${source}, whose files are not edited (they may be shared or downloaded)`;
  const show = (v: FixValue) => H.renderValue(v, '', { unit: '  ', eol: '\n', region: s.context.region }, true);
  for (const fix of t.plan.fixes) {
    if (!fix.ops.length) continue;
    const notes: string[] = [];
    const inputs: { name: string; value: FixValue; path: string }[] = [];
    let auto = !!call && calls.length === 1;
    let why = '';
    for (const op of fix.ops) {
      const parts = parsePath(op.path);
      const head = parts[0];
      const ignored = block ? ignoredChanges(block) : null;
      if (typeof head === 'string' && ignored) {
        try {
          refuseIgnored(ignored, tfField(spec, head)[0]);
        } catch (e) {
          auto = false;
          why ||= `; ${(e as Error).message}`;
        }
      }
      const found: Found = lookup && block ? lookup.body(block, parts, spec) : { why: 'the resource block was not found' };
      const name = 'node' in found ? H.directVariable(found.node) : null;
      const toWhere = where ? ` in the module block at ${where}` : ' where the module is called';
      if (name && op.op === 'set') {
        const value = tfValue(parts[parts.length - 1], op.value);
        const type = lookup!.variableType(name);
        if (!typeAccepts(type, value)) {
          auto = false;
          why ||= `; the module declares var.${name} with type = ${type}, which ${show(value)} is not`;
        }
        const others = lookup!.uses(name) > 1;
        notes.push(`${label} (${source}): set its input '${name}' to ${show(value)}${toWhere}${others ? ` (the module also uses var.${name} elsewhere: check those uses)` : ''}`);
        if (others) {
          auto = false;
          why ||= `; var.${name} is used elsewhere in the module too, so the input is not changed automatically`;
        }
        inputs.push({ name, value, path: op.path });
      } else if (name && op.op === 'delete') {
        notes.push(`${label} (${source}): set its input '${name}' to null${toWhere} (${op.path} must be removed)`);
        auto = false;
      } else {
        notes.push(`${label} (${source}): the module exposes no input for ${op.path} (${fix.control}); the module's source must change: ${local ? `edit ${source} (every caller of it gets the change) or fork it` : `fork ${source} or ask upstream`}`);
        auto = false;
      }
    }
    if (auto && call) {
      const p: Proposal = { hcl: [], json: [], created: [], changes: [], todo: [] };
      const ctx: OpCtx = { s, by: `${r.id} ${fix.control}`, file: call.file, resource: r, p, deletes: new Map(), pending: new Map() };
      try {
        const seen = new Map<string, string>();
        for (const inp of inputs) {
          const shown = show(inp.value);
          if (seen.has(inp.name) && seen.get(inp.name) !== shown) throw new Refuse(`two fields want different values for the input '${inp.name}'`);
          if (seen.has(inp.name)) continue;
          seen.set(inp.name, shown);
          refuseOverridden(overridesOf(s, call.file.path, 'module', [addr.modules[0].name]), inp.name, `module "${addr.modules[0].name}"`, where!);
          refuseDuplicates(inp.name, H.bodyItems(call.block).filter((c) => c.type === 'attribute' && H.nameOf(c) === inp.name), 'block');
          const attr = H.findAttr(call.block, inp.name);
          if (attr) {
            const v = H.valueOf(attr)!;
            if (!H.isLiteral(v)) throw new Refuse(`its input '${inp.name}' is ${H.describeExpr(v)} in the module block at ${where}`);
            replaceValue(ctx, attr, v, inp.value, false);
          } else insertAttr(ctx, call.block, inp.name, inp.value);
          p.changes.push(`${label}: input '${inp.name}' set to ${shown} in the module block at ${where} (the module's files are not edited)`);
        }
        if (!p.hcl.length) throw new Refuse('nothing to change was found in the module block');
        s.commit(p);
        // Only the calling module block changed: say so, with the effect inside the module.
        const a: AppliedFix = {
          ...fix,
          changes: p.changes.map((c, i) => (i === 0 ? `${c}, so that in the module: ${fix.changes.join('; ')}` : c)),
          todo: [...fix.todo, ...p.todo.filter((x) => !fix.todo.includes(x))],
          resource: resourceRef(r),
        };
        s.applied.push(a);
        s.filesOf.set(a, filesOfProposal(p));
        s.rootOf.set(a, r.root ?? '.');
        continue;
      } catch (e) {
        why = `; ${refusalOf(e)}`;
      }
    }
    for (const n of notes) if (!s.guidance.includes(n)) s.guidance.push(n);
    s.refused.push({ control: fix.control, path: fix.ops[0]?.path ?? null, reason: `${reasonBase}${why}; see next steps`, resource: resourceRef(r) });
  }
  settleSameEdits(s, t);
}

/**
 * `count` and `for_each` make several instances of one block, and an edit of the block's text
 * changes them all. A fix is made only when every instance of the block among `targets` needs it
 * with the same edits; otherwise it is refused for each (its log group names the instance's
 * family, one instance passes ...): one edit would give them all the same value. Returns the
 * targets without those fixes.
 */
function sameEditsPerBlock(s: Session, targets: readonly PatchTarget[]): PatchTarget[] {
  const groups = new Map<string, { base: string; list: PatchTarget[] }>();
  for (const t of targets) {
    const addr = parseAddress(t.resource.id);
    if (!addr || t.resource.origin.kind !== 'file') continue;
    const base = [...addr.modules.map((m) => `module.${m.name}`), addr.type, addr.name].join('.');
    const k = [t.resource.root ?? '', t.resource.origin.file, base].join('\u0000');
    const g = groups.get(k) ?? { base, list: [] };
    g.list.push(t);
    groups.set(k, g);
  }
  const drop = new Map<PatchTarget, Set<string>>();
  for (const { base, list } of groups.values()) {
    if (list.length < 2) continue;
    for (const control of new Set(list.flatMap((t) => t.plan.fixes.map((f) => f.control)))) {
      const sigs = list.map((t) => {
        const f = t.plan.fixes.find((x) => x.control === control);
        return f ? JSON.stringify(f.ops) : null;
      });
      if (sigs.every((x) => x !== null && x === sigs[0])) continue;
      const none = list.filter((_, i) => sigs[i] === null).map((t) => t.resource.id);
      const reason = `${base} is one block for ${list.length} instances (count or for_each), and they need different edits for ${control}${none.length ? ` (${none.join(', ')} ${none.length === 1 ? 'needs' : 'need'} none)` : ''}: an edit of the block would give every instance the same value; fix it by hand (a value that depends on count.index or each.key, for instance)`;
      list.forEach((t, i) => {
        if (sigs[i] === null) return;
        const f = t.plan.fixes.find((x) => x.control === control)!;
        s.refused.push({ control, path: f.ops[0]?.path ?? null, reason, resource: resourceRef(t.resource) });
        drop.set(t, (drop.get(t) ?? new Set()).add(control));
      });
    }
  }
  return targets.map((t) => (drop.has(t) ? { ...t, plan: { ...t.plan, fixes: t.plan.fixes.filter((f) => !drop.get(t)!.has(f.control)) } } : t));
}

function run(targets: readonly PatchTarget[], context: PatchContext, readFile: ReadFile, editable: (path: string) => boolean, only?: string): TerraformPatchOutcome {
  const s = new Session(context, readFile, editable, only);
  s.targets = sameEditsPerBlock(s, targets);
  for (const t of s.targets) {
    if (!t.plan.fixes.length) continue;
    const r = t.resource;
    if (r.origin.kind !== 'file' || r.origin.format !== 'tf-hcl') {
      refuseAll(s, t, 'not a resource of a Terraform configuration (.tf)');
      continue;
    }
    const addr = parseAddress(r.id);
    const spec = addr ? TERRAFORM_TYPES.get(addr.type)?.spec : undefined;
    if (!addr || !spec) {
      refuseAll(s, t, `${r.id} is not the address of an ECS resource ecsguard can edit`);
      continue;
    }
    const [a0, r0] = [s.applied.length, s.refused.length];
    try {
      if (addr.modules.length) patchModuleTarget(s, t, addr, spec);
      else patchRootTarget(s, t, addr, spec);
    } catch (e) {
      // A bug outside one fix's planning: the fixes of this resource not yet reported are refused.
      const reported = new Set([...s.applied.slice(a0), ...s.refused.slice(r0)].map((f) => f.control));
      for (const fix of t.plan.fixes) if (!reported.has(fix.control)) s.refused.push({ control: fix.control, path: fix.ops[0]?.path ?? null, reason: refusalOf(e), resource: resourceRef(r) });
    }
  }
  return { files: s.files(), applied: s.applied, refused: s.refused, guidance: s.guidance, filesOf: s.filesOf, rootOf: s.rootOf };
}

/**
 * Patches the Terraform resources of `targets` across files: each resource's `.tf` file, the JSON
 * files its `container_definitions = file(...)` reads, and, for resources of a module, the
 * root module's `module` block (never the module's own files). `readFile` reads a file by path
 * as the scan names it (default: from disk). Returns the changed files (before and after), the
 * applied and refused fixes (only `plan.fixes`; `plan.refused` is the caller's), and guidance.
 * Throws Error only on a bug.
 */
export function patchTerraformFiles(targets: readonly PatchTarget[], context: PatchContext, readFile: ReadFile = (p) => readFileSync(p, 'utf8')): TerraformPatchOutcome {
  return run(targets, context, readFile, () => true);
}

/**
 * The Terraform {@link Patcher}: edits `file` (`text`) only. Fixes that need another file (a
 * JSON file read with file(), the module block of a module's resource) are refused with the
 * reason, and module resources get guidance; use {@link patchTerraformFiles} to apply those.
 */
export const patchTerraform: Patcher = (file, text, targets, context) => {
  const out = run(targets, context, (p) => (p === file ? text : readFileSync(p, 'utf8')), (p) => p === file, file);
  return { text: out.files.get(file)?.after ?? text, applied: out.applied, refused: out.refused, guidance: out.guidance };
};
