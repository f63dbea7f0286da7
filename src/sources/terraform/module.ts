/**
 * Terraform configurations: a module is a folder of `.tf` files. A root module is evaluated with
 * its variables' values (defaults, `terraform.tfvars`, `*.auto.tfvars`, `--var-file`, `--var`),
 * locals, provider `default_tags`, `count` and `for_each`, and the local or downloaded modules it
 * calls (with the caller's inputs), giving ECS resources with Terraform addresses
 * (`module.app.aws_ecs_service.this["api"]`) and the file and line of every field.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import type { TaskDefinition } from '@aws-sdk/client-ecs';
import { isUnresolved, unresolved, type InlineSuppression, type InputError, type Location, type Resource } from '../../model/index.js';
import { operatingSystemOf } from '../../model/task-definition.js';
import { checkTypes, SCHEMA_BY_TYPE, TASK_DEFINITION_SCHEMA } from '../taskdef-json/validate.js';
import { displayPath } from '../walk.js';
import { decodeText, DEFAULT_MAX_FILE_BYTES } from '../text.js';
import { evaluate, type EvalScope } from './evaluate.js';
import { firstSyntaxError, parseHcl, type SyntaxNode } from './parser.js';
import { mapResource, TERRAFORM_TYPES } from './resources.js';
import { positions, setPos, textOf, type TfValue } from './values.js';

const named = (n: SyntaxNode): SyntaxNode[] => n.namedChildren.filter((c): c is SyntaxNode => c !== null);

/** A parsed block: its type, labels, body and file, and the override-file blocks merged into it. */
interface Block {
  type: string;
  labels: string[];
  body: SyntaxNode | null;
  node: SyntaxNode;
  file: string;
  overrides?: Block[];
  /** `# ecsguard:suppress` comments above the block or inside it (resource blocks only). */
  suppressions?: InlineSuppression[];
}

/** The parsed files of one module folder. */
export interface ModuleSource {
  dir: string;
  blocks: Block[];
  errors: InputError[];
}


const parsedModules = new Map<string, { signature: string; source: ModuleSource }>();

/**
 * The names, sizes and modification times of the `.tf` files in `dir`: a parse is reused only
 * while they are unchanged (a scan after `ecsguard fix --write`, or a long-lived library user,
 * must see the new text).
 */
function folderSignature(dir: string): string {
  try {
    return readdirSync(dir)
      .filter((f) => f.endsWith('.tf') || f.endsWith('.tf.json'))
      .sort()
      .map((f) => {
        const st = statSync(join(dir, f));
        return `${f}:${st.size}:${st.mtimeMs}`;
      })
      .join('/');
  } catch {
    return '';
  }
}

/** Parses the `.tf` files of `dir` (cached per folder while its files are unchanged); files over `maxFileBytes` are refused. */
export function loadModule(dir: string, maxFileBytes = DEFAULT_MAX_FILE_BYTES): ModuleSource {
  const key = resolve(dir);
  const signature = folderSignature(dir);
  const cached = parsedModules.get(key);
  if (cached && cached.signature === signature && signature !== '') return cached.source;
  const errors: InputError[] = [];
  const blocks: Block[] = [];
  let names: string[] = [];
  try {
    const entries = readdirSync(dir);
    for (const f of entries.filter((x) => x.endsWith('.tf.json')).sort()) {
      errors.push({ file: displayPath(join(dir, f)), line: null, column: null, message: 'Terraform JSON configuration (.tf.json) is not read by ecsguard; its resources are not judged' });
    }
    names = entries.filter((f) => f.endsWith('.tf')).sort();
  } catch (e) {
    errors.push({ file: displayPath(dir), line: null, column: null, message: `module folder cannot be read: ${(e as Error).message}` });
  }
  // Terraform reads override files last and merges them into the blocks they name.
  const isOverride = (n: string) => n === 'override.tf' || n.endsWith('_override.tf');
  names = [...names.filter((n) => !isOverride(n)), ...names.filter(isOverride)];
  for (const name of names) {
    const full = join(dir, name);
    const file = displayPath(full);
    let st;
    try {
      st = statSync(full);
    } catch (e) {
      errors.push({ file, line: null, column: null, message: (e as Error).message });
      continue;
    }
    // A folder, FIFO or device named *.tf is not a configuration file (a FIFO would block forever).
    if (!st.isFile()) {
      errors.push({ file, line: null, column: null, message: 'not a regular file; not read' });
      continue;
    }
    if (st.size > maxFileBytes) {
      errors.push({ file, line: null, column: null, message: `file is over the ${Math.round(maxFileBytes / 1024)} KiB limit for one input file; not read (raise it with --max-file-size)` });
      continue;
    }
    const read = decodeText(readFileSync(full));
    if (!read.ok) {
      if (read.message !== 'file is empty' && read.message !== 'file holds only whitespace') errors.push({ file, line: read.line, column: read.column, message: read.message });
      continue;
    }
    const root = parseHcl(read.text);
    const bad = firstSyntaxError(root);
    if (bad) errors.push({ file, ...bad });
    const body = named(root).find((c) => c.type === 'body');
    for (const b of body ? named(body) : []) {
      if (b.type !== 'block') continue;
      const kids = named(b);
      const type = kids[0]?.text ?? '';
      const labels = kids.filter((c) => c.type === 'string_lit' || c.type === 'identifier').slice(1).map((c) => (c.type === 'string_lit' ? c.text.slice(1, -1) : c.text));
      if (b.hasError) {
        if (type === 'resource' || type === 'module') errors.push({ ...locOf(file, b), message: `${type} ${labels.join('.')} has a syntax error and is not judged` });
        continue;
      }
      const block: Block = { type, labels, body: kids.find((c) => c.type === 'body') ?? null, node: b, file };
      if (type === 'resource') {
        const suppressions = suppressionComments(b, file);
        if (suppressions.length) block.suppressions = suppressions;
      }
      const target = isOverride(name) ? blocks.find((x) => x.type === type && x.labels.join('\u0000') === labels.join('\u0000') && x.type !== 'locals') : undefined;
      if (target) (target.overrides ??= []).push(block);
      else blocks.push(block);
    }
  }
  const out = { dir, blocks, errors };
  parsedModules.set(key, { signature, source: out });
  return out;
}

/**
 * The `ecsguard:suppress` comments of a resource block: the contiguous comment lines directly
 * above it (a blank line or anything else ends them), and every comment inside it.
 */
function suppressionComments(block: SyntaxNode, file: string): InlineSuppression[] {
  const above: SyntaxNode[] = [];
  let next: SyntaxNode = block;
  // A file's leading comments are siblings of its body, not of the first block.
  let prev = block.previousSibling ?? (block.parent?.type === 'body' && block.parent.firstChild?.id === block.id ? block.parent.previousSibling : null);
  while (prev && prev.type === 'comment' && prev.endPosition.row === next.startPosition.row - 1) {
    above.unshift(prev);
    next = prev;
    prev = prev.previousSibling;
  }
  const out: InlineSuppression[] = [];
  for (const c of [...above, ...block.descendantsOfType('comment').filter((c): c is SyntaxNode => c !== null)]) {
    const s = parseSuppressionComment(c.text, { file, line: c.startPosition.row + 1, column: c.startPosition.column + 1 });
    if (s) out.push(s);
  }
  return out;
}

/**
 * Reads one comment: `# ecsguard:suppress ECS.5 [until=YYYY-MM-DD|expires=YYYY-MM-DD] reason text`
 * (also `//` and `/* ... *\/`), or null when the comment is not an ecsguard suppression. The
 * control, date and reason are checked by the engine, which reports a bad one at `location`.
 */
export function parseSuppressionComment(text: string, location: Location): InlineSuppression | null {
  const body = text.replace(/^(#|\/\/|\/\*)/, '').replace(/\*\/\s*$/, '').trim();
  // Spelled as documented, `ecsguard:suppress`; the near misses people type (`ecsguard: suppress`, `ECSGuard:Suppress`) are read too.
  const m = /^ecsguard\s*:\s*suppress(?:\s+|$)(.*)$/is.exec(body);
  if (!m) return null;
  const words = m[1].trim().split(/\s+/).filter(Boolean);
  const control = words.shift() ?? '';
  let expires: string | undefined;
  const date = words.length ? /^(?:until|expires)=(.*)$/i.exec(words[0]) : null;
  if (date) {
    expires = date[1];
    words.shift();
  }
  const out: InlineSuppression = { control, reason: words.join(' '), location };
  if (expires !== undefined) out.expires = expires;
  return out;
}

/** Attributes and nested blocks of a body. */
function bodyParts(body: SyntaxNode | null): { attrs: SyntaxNode[]; blocks: SyntaxNode[] } {
  const attrs: SyntaxNode[] = [];
  const blocks: SyntaxNode[] = [];
  for (const c of body ? named(body) : []) {
    if (c.type === 'attribute') attrs.push(c);
    else if (c.type === 'block') blocks.push(c);
  }
  return { attrs, blocks };
}

const attrName = (a: SyntaxNode) => named(a)[0]?.text ?? '';
const attrExpr = (a: SyntaxNode) => named(a).find((c) => c.type === 'expression');
const locOf = (file: string, n: SyntaxNode): Location => ({ file, line: n.startPosition.row + 1, column: n.startPosition.column + 1 });

/** Options of a Terraform read. */
export interface TerraformOptions {
  /** `--var-file` paths, in order. */
  varFiles?: string[];
  /** `--var name=value`, in order. */
  vars?: Record<string, string>;
  /** Largest file read, in bytes. */
  maxFileBytes?: number;
}

interface Context {
  errors: InputError[];
  resources: Resource[];
  /** Absolute path of the root module. */
  rootDir: string;
  options: TerraformOptions;
  /** Downloaded modules by key (`app`, `app.child`) from .terraform/modules/modules.json. */
  downloaded: Map<string, string>;
  defaultTags: Map<string, Record<string, TfValue>>;
  reported: Set<string>;
}

/** Reads variable values from a tfvars file (HCL or JSON) into `out`. */
function readTfvars(file: string, out: Map<string, TfValue>, ctx: Context, scope: EvalScope): void {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    ctx.errors.push({ file: displayPath(file), line: null, column: null, message: `variable file cannot be read: ${(e as Error).message}` });
    return;
  }
  if (file.endsWith('.json')) {
    try {
      for (const [k, v] of Object.entries(JSON.parse(text) as Record<string, TfValue>)) out.set(k, v);
    } catch {
      ctx.errors.push({ file: displayPath(file), line: null, column: null, message: 'invalid JSON in variable file' });
    }
    return;
  }
  const root = parseHcl(text);
  const bad = firstSyntaxError(root);
  if (bad) ctx.errors.push({ file: displayPath(file), ...bad });
  const body = named(root).find((c) => c.type === 'body');
  for (const a of body ? named(body) : []) {
    const e = a.type === 'attribute' ? attrExpr(a) : undefined;
    if (e) out.set(attrName(a), evaluate(e, { ...scope, file: displayPath(file) }));
  }
}

/** Converts a primitive value to a variable's primitive type constraint, as Terraform does; other values are kept. */
function coerceToType(v: TfValue, type: string | null): TfValue {
  if (type === 'string' && (typeof v === 'number' || typeof v === 'boolean')) return String(v);
  if (type === 'number' && typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  if (type === 'bool' && typeof v === 'string') return v === 'true' || v === '1' ? true : v === 'false' || v === '0' ? false : v;
  if (type === 'bool' && typeof v === 'number') return v !== 0;
  return v;
}

/** The type constraint of a variable block, as written (`string`, `list(string)` ...), or null. */
function typeOf(v: Block | undefined): string | null {
  const t = v ? bodyParts(v.body).attrs.find((a) => attrName(a) === 'type') : undefined;
  return t ? (attrExpr(t)?.text.trim() ?? null) : null;
}

/** A `--var` value: an HCL expression when it looks like one (list, map, number, bool), else a string. */
function cliVar(raw: string, scope: EvalScope): TfValue {
  if (!/^\s*([[{]|-?\d|true\b|false\b|null\b)/.test(raw)) return raw;
  const root = parseHcl(`v = ${raw}\n`);
  const e = root.descendantsOfType('attribute')[0];
  const expr = e ? attrExpr(e as SyntaxNode) : undefined;
  return expr && !root.hasError ? evaluate(expr, scope) : raw;
}

/**
 * Evaluates one module instance: `inputs` are the variable values given by the caller (root:
 * from tfvars and the command line). `prefix` is the address prefix (`module.app.`).
 */
function evaluateModule(dir: string, inputs: Map<string, TfValue> | null, prefix: string, ctx: Context, depth: number, chain: string[] = [resolve(dir)], providers: ReadonlyMap<string, string> = new Map()): void {
  const mod = loadModule(dir, ctx.options.maxFileBytes);
  for (const e of mod.errors) {
    const key = `${e.file}:${e.line}:${e.message}`;
    if (!ctx.reported.has(key)) {
      ctx.reported.add(key);
      ctx.errors.push(e);
    }
  }
  if (depth > 10) {
    ctx.errors.push({ file: displayPath(dir), line: null, column: null, message: 'modules nested more than 10 deep (a module calling itself?); not followed' });
    return;
  }
  const variables = new Map<string, Block>();
  const localDefs = new Map<string, { expr: SyntaxNode; file: string }>();
  for (const b of mod.blocks) {
    if (b.type === 'variable' && b.labels[0]) variables.set(b.labels[0], b);
    if (b.type === 'locals') for (const a of bodyParts(b.body).attrs) {
      const e = attrExpr(a);
      if (e) localDefs.set(attrName(a), { expr: e, file: b.file });
    }
  }
  const localValues = new Map<string, TfValue>();
  const evaluating = new Set<string>();
  const values = new Map<string, TfValue>();
  const problem = (loc: Location, message: string) => {
    const key = `${loc.file}:${loc.line}:${loc.column}:${message}`;
    if (ctx.reported.has(key)) return;
    ctx.reported.add(key);
    ctx.errors.push({ file: loc.file, line: loc.line, column: loc.column, message });
  };
  const scope: EvalScope = {
    file: displayPath(dir),
    // path.module is relative to the root module, where terraform runs (and file() paths start).
    dir: relative(ctx.rootDir, resolve(dir)) || '.',
    rootDir: ctx.rootDir,
    bindings: new Map(),
    problem,
    variable(name) {
      if (values.has(name)) return values.get(name) as TfValue;
      const v = variables.get(name);
      if (!v) return unresolved(`var.${name} is not declared in ${displayPath(dir)}`);
      const override = [...(v.overrides ?? [])].reverse().map((o) => bodyParts(o.body).attrs.find((a) => attrName(a) === 'default')).find(Boolean);
      const def = override ?? bodyParts(v.body).attrs.find((a) => attrName(a) === 'default');
      const e = def ? attrExpr(def) : undefined;
      // A default may not refer to variables (Terraform refuses it): evaluate it with none.
      values.set(name, unresolved(`variable ${name}'s default refers to a variable, which Terraform does not allow`));
      const val = e ? evaluate(e, { ...scope, file: v.file, variable: (n) => unresolved(`variable ${name}'s default refers to var.${n}, which Terraform does not allow`) }) : unresolved(`variable ${name} has no value: give it a default, a terraform.tfvars entry, --var ${name}=... or --var-file`);
      values.set(name, coerceToType(val, typeOf(v)));
      return values.get(name) as TfValue;
    },
    local(name) {
      if (localValues.has(name)) return localValues.get(name) as TfValue;
      const def = localDefs.get(name);
      if (!def) return unresolved(`local.${name} is not defined in ${displayPath(dir)}`);
      if (evaluating.has(name)) {
        const chain = [...evaluating, name].join(' -> ');
        problem(locOf(def.file, def.expr), `locals refer to each other in a cycle: ${chain}`);
        return unresolved(`local.${name} is part of a cycle (${chain})`);
      }
      evaluating.add(name);
      const val = evaluate(def.expr, { ...scope, file: def.file });
      evaluating.delete(name);
      localValues.set(name, val);
      return val;
    },
  };
  // Variable values: the caller's inputs, or for the root module tfvars files then the command line.
  if (inputs) for (const [k, v] of inputs) values.set(k, v);
  else {
    const auto = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.auto.tfvars') || f.endsWith('.auto.tfvars.json')).sort() : [];
    const files = [join(dir, 'terraform.tfvars'), join(dir, 'terraform.tfvars.json'), ...auto.map((f) => join(dir, f))].filter((f) => existsSync(f));
    for (const f of [...files, ...(ctx.options.varFiles ?? [])]) readTfvars(f, values, ctx, scope);
    for (const [k, v] of Object.entries(ctx.options.vars ?? {})) {
      if (!variables.has(k)) continue;
      // Without a complex type constraint, Terraform takes a -var value as a string.
      const t = typeOf(variables.get(k));
      values.set(k, t && /^(list|map|set|object|tuple|number|bool)/.test(t) ? cliVar(v, scope) : v);
    }
  }
  // Values are converted to the variable's type, as Terraform does (a string variable given 1000 is "1000").
  for (const [k, v] of values) values.set(k, coerceToType(v, typeOf(variables.get(k))));
  // Providers' default_tags, by provider alias (root module only: child modules inherit).
  if (!inputs) {
    for (const b of mod.blocks) {
      if (b.type !== 'provider' || b.labels[0] !== 'aws') continue;
      const parts = bodyParts(b.body);
      const aliasAttr = parts.attrs.find((a) => attrName(a) === 'alias');
      const alias = aliasAttr ? textOf(evaluate(attrExpr(aliasAttr) as SyntaxNode, { ...scope, file: b.file })) ?? 'aws' : 'aws';
      const dt = parts.blocks.find((x) => named(x)[0]?.text === 'default_tags');
      const tagsAttr = dt ? bodyParts(named(dt).find((c) => c.type === 'body') ?? null).attrs.find((a) => attrName(a) === 'tags') : undefined;
      const tags = tagsAttr ? evaluate(attrExpr(tagsAttr) as SyntaxNode, { ...scope, file: b.file }) : null;
      if (tags && typeof tags === 'object' && !Array.isArray(tags) && !isUnresolved(tags)) ctx.defaultTags.set(alias === 'aws' ? 'aws' : `aws.${alias}`, tags as Record<string, TfValue>);
    }
  }
  const taskDefinitions = new Map<string, Resource>();
  const services: { resource: Resource; target: string }[] = [];
  for (const b of mod.blocks) {
    if (b.type === 'resource' && b.labels.length === 2) {
      const spec = TERRAFORM_TYPES.get(b.labels[0]);
      if (!spec) continue;
      for (const inst of instances(b, scope)) {
        const s: EvalScope = { ...scope, file: b.file, bindings: inst.bindings };
        const attrs = blockValue(b.body, s, b.file);
        // Override files replace the attributes and nested block types they set.
        for (const o of b.overrides ?? []) {
          const ov = blockValue(o.body, s, o.file);
          for (const [k, v] of Object.entries(ov)) {
            attrs[k] = v;
            const l = positions.get(ov)?.get(k);
            if (l) setPos(attrs, k, l);
          }
        }
        const address = `${prefix}${b.labels[0]}.${b.labels[1]}${inst.key}`;
        const resource = toResource(attrs, b, address, spec, s, ctx, inst.note, providers);
        ctx.resources.push(resource);
        if (spec.type === 'AWS::ECS::TaskDefinition') taskDefinitions.set(b.labels[1], resource);
        if (spec.type === 'AWS::ECS::Service') {
          const td = bodyParts(b.body).attrs.find((a) => attrName(a) === 'task_definition');
          const m = td ? /\baws_ecs_task_definition\.([A-Za-z0-9_-]+)/.exec(td.text) : null;
          if (m) services.push({ resource, target: m[1] });
        }
      }
    } else if (b.type === 'module' && b.labels[0]) {
      callModule(b, scope, prefix, ctx, depth, chain, providers);
    }
  }
  // A service's task definition in the same module decides whether ECS.10 treats it as Windows.
  for (const { resource, target } of services) {
    const td = taskDefinitions.get(target);
    if (!td) continue;
    const os = operatingSystemOf(td.properties as TaskDefinition);
    resource.context = { ...resource.context, taskDefinitionOperatingSystemFamily: isUnresolved(os) ? os : os === 'UNSET' ? null : ((td.properties as TaskDefinition).runtimePlatform?.operatingSystemFamily as string) };
  }
}

/** The instances of a resource or module block: one, or one per `count` index or `for_each` key. */
function instances(b: Block, scope: EvalScope): { key: string; bindings: Map<string, TfValue>; note?: string }[] {
  const attrs = bodyParts(b.body).attrs;
  const count = attrs.find((a) => attrName(a) === 'count');
  const forEach = attrs.find((a) => attrName(a) === 'for_each');
  if (count) {
    const raw = evaluate(attrExpr(count) as SyntaxNode, { ...scope, file: b.file });
    const n = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : raw;
    if (typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 1000) {
      return Array.from({ length: n }, (_, i) => ({ key: `[${i}]`, bindings: new Map([...scope.bindings, ['count.index', i]]) }));
    }
    if (typeof n === 'number' && n < 0) {
      scope.problem(locOf(b.file, count), `count is ${n}: Terraform refuses a negative count`);
      return [];
    }
    const why = isUnresolved(n) ? n.unresolved : typeof n === 'number' && n > 1000 ? `${n} instances, more than ecsguard expands (1,000)` : 'not a whole number';
    return [{ key: '', bindings: new Map([...scope.bindings, ['count.index', unresolved(`count is unknown: ${why}`)]]), note: `count is unknown (${why}): judged once, as if created` }];
  }
  if (forEach) {
    const coll = evaluate(attrExpr(forEach) as SyntaxNode, { ...scope, file: b.file });
    if (Array.isArray(coll) && coll.every((x) => typeof x === 'string')) {
      // A set of strings: each member once, in Terraform's (lexical) order.
      return [...new Set(coll as string[])].sort().map((k) => ({ key: `[${JSON.stringify(k)}]`, bindings: new Map([...scope.bindings, ['each.key', k], ['each.value', k]]) }));
    }
    if (coll && typeof coll === 'object' && !Array.isArray(coll) && !isUnresolved(coll)) {
      return Object.entries(coll as Record<string, TfValue>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => ({ key: `[${JSON.stringify(k)}]`, bindings: new Map([...scope.bindings, ['each.key', k], ['each.value', v]]) }));
    }
    const why = isUnresolved(coll) ? coll.unresolved : 'not a map or set of strings';
    return [{ key: '', bindings: new Map([...scope.bindings, ['each.key', unresolved(`for_each is unknown: ${why}`)], ['each.value', unresolved(`for_each is unknown: ${why}`)]]), note: `for_each is unknown (${why}): judged once, as if created` }];
  }
  return [{ key: '', bindings: scope.bindings }];
}

const META = new Set(['count', 'for_each', 'provider', 'depends_on', 'lifecycle', 'provisioner', 'connection', 'source', 'version', 'providers']);

/** A block body's value in the provider shape: attributes evaluated, nested blocks as lists, `dynamic` blocks expanded. */
function blockValue(body: SyntaxNode | null, scope: EvalScope, file: string): Record<string, TfValue> {
  const out: Record<string, TfValue> = {};
  const parts = bodyParts(body);
  for (const a of parts.attrs) {
    const name = attrName(a);
    if (META.has(name)) continue;
    const e = attrExpr(a);
    setPos(out, name, locOf(file, a));
    out[name] = e ? evaluate(e, scope) : null;
  }
  for (const blk of parts.blocks) {
    const kids = named(blk);
    const type = kids[0]?.text ?? '';
    if (META.has(type)) continue;
    const inner = kids.find((c) => c.type === 'body') ?? null;
    if (type === 'dynamic') {
      const label = kids.find((c) => c.type === 'string_lit')?.text.slice(1, -1) ?? '';
      const dparts = bodyParts(inner);
      const fe = dparts.attrs.find((a) => attrName(a) === 'for_each');
      const itAttr = dparts.attrs.find((a) => attrName(a) === 'iterator');
      const it = itAttr ? (attrExpr(itAttr)?.text ?? label) : label;
      const content = dparts.blocks.find((x) => named(x)[0]?.text === 'content');
      const coll = fe ? evaluate(attrExpr(fe) as SyntaxNode, scope) : null;
      const list = (out[label] as TfValue[] | undefined) ?? [];
      if (!out[label]) setPos(out, label, locOf(file, blk));
      if (isUnresolved(coll)) {
        out[label] = coll;
        continue;
      }
      const entries: [TfValue, TfValue][] = Array.isArray(coll) ? coll.map((v, i) => [i, v]) : coll && typeof coll === 'object' ? Object.entries(coll as Record<string, TfValue>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) : [];
      for (const [k, v] of entries) {
        const bindings = new Map(scope.bindings);
        bindings.set(it, { key: k, value: v } as unknown as TfValue);
        setPos(list, list.length, locOf(file, blk));
        list.push(blockValue(named(content ?? blk).find((c) => c.type === 'body') ?? null, { ...scope, bindings }, file));
      }
      out[label] = list;
      continue;
    }
    let list = out[type] as TfValue[] | undefined;
    if (!Array.isArray(list)) {
      list = [];
      out[type] = list;
      setPos(out, type, locOf(file, blk));
    }
    setPos(list, list.length, locOf(file, blk));
    list.push(blockValue(inner, scope, file));
  }
  return out;
}

/** Builds the resource: mapping, tags with the provider's default_tags, type checks, locations. */
function toResource(attrs: Record<string, TfValue>, b: Block, address: string, spec: NonNullable<ReturnType<typeof TERRAFORM_TYPES.get>>, scope: EvalScope, ctx: Context, note: string | undefined, providers: ReadonlyMap<string, string>): Resource {
  const blockLoc = locOf(b.file, b.node);
  const mapped = mapResource(attrs, spec.spec, blockLoc, scope);
  const props = mapped.properties;
  const assumptions: string[] = note ? [note] : [];
  const fieldAssumptions: { path: string; note: string }[] = [];
  // Tags as AWS sees them (tags_all): the provider's default_tags, then the resource's own.
  const providerAttr = bodyParts(b.body).attrs.find((a) => attrName(a) === 'provider');
  const localKey = providerAttr ? providerAttr.text.replace(/^provider\s*=\s*/, '').trim() : 'aws';
  // Inside a module, a provider is the root provider the caller passed in `providers`.
  const providerKey = providers.get(localKey) ?? localKey;
  const defaults = ctx.defaultTags.get(providerKey);
  if (defaults && !isUnresolved(props.tags)) {
    const own = (props.tags as { key: string; value: unknown }[] | undefined) ?? [];
    const have = new Set(own.map((t) => t.key));
    const extra = Object.entries(defaults).filter(([k]) => !have.has(k)).map(([key, value]) => ({ key, value: isUnresolved(value) ? value : String(value) }));
    if (extra.length) {
      props.tags = [...own, ...extra];
      fieldAssumptions.push({ path: 'tags', note: `tags include the provider's default_tags (${extra.map((t) => t.key).join(', ')})` });
    }
  }
  // container_definitions go to the API as JSON, not through the provider schema: no coercion there.
  const containers = props.containerDefinitions;
  delete props.containerDefinitions;
  const problems = checkTypes(props, SCHEMA_BY_TYPE[spec.type], { coerceScalars: true });
  if (containers !== undefined) {
    props.containerDefinitions = containers;
    const holder = { containerDefinitions: containers } as Record<string, unknown>;
    problems.push(...checkTypes(holder, { kind: 'object', fields: { containerDefinitions: (TASK_DEFINITION_SCHEMA.fields ?? {}).containerDefinitions } }));
    props.containerDefinitions = holder.containerDefinitions;
  }
  const locate = (path: string | null): Location => {
    if (path === null) return blockLoc;
    let p = path;
    while (p) {
      const l = mapped.locations.get(p);
      if (l) return l;
      const cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
      p = cut > 0 ? p.slice(0, cut) : '';
    }
    return blockLoc;
  };
  for (const pr of problems) {
    const path = pr.path.map((s) => (typeof s === 'number' ? `[${s}]` : `.${s}`)).join('').replace(/^\./, '');
    const l = locate(path);
    ctx.errors.push({ file: l.file, line: l.line, column: l.column, message: `${address}: ${pr.message}` });
  }
  const nameValue = props[spec.nameKey];
  return {
    type: spec.type,
    id: address,
    name: typeof nameValue === 'string' ? nameValue : address,
    properties: props as Resource['properties'],
    origin: { kind: 'file', file: b.file, format: 'tf-hcl' },
    root: displayPath(ctx.rootDir) || '.',
    locate,
    assumptions,
    fieldAssumptions,
    ...suppressionsOf(b),
  };
}

/** The suppression comments of a resource block and of the override-file blocks merged into it. */
function suppressionsOf(b: Block): { suppressions?: InlineSuppression[] } {
  const all = [...(b.suppressions ?? []), ...(b.overrides ?? []).flatMap((o) => o.suppressions ?? [])];
  return all.length ? { suppressions: all.map((s) => ({ ...s })) } : {};
}

/** Follows a `module` block: local sources by path, downloaded ones through .terraform/modules/modules.json. */
function callModule(b: Block, scope: EvalScope, prefix: string, ctx: Context, depth: number, chain: string[], providers: ReadonlyMap<string, string>): void {
  const name = b.labels[0];
  const parts = bodyParts(b.body);
  const sourceAttr = parts.attrs.find((a) => attrName(a) === 'source');
  const source = sourceAttr ? textOf(evaluate(attrExpr(sourceAttr) as SyntaxNode, { ...scope, file: b.file })) : null;
  if (source === null) return;
  const keyPath = `${prefix.replace(/module\./g, '').replace(/\[[^\]]*\]/g, '').split('.').filter(Boolean).join('.')}${prefix ? '.' : ''}${name}`;
  let dir: string | undefined;
  if (source.startsWith('./') || source.startsWith('../')) dir = resolve(ctx.rootDir, scope.dir, source);
  else dir = ctx.downloaded.get(keyPath);
  if (!dir || !existsSync(dir)) {
    const loc = locOf(b.file, b.node);
    const key = `${loc.file}:${loc.line}:module`;
    if (!ctx.reported.has(key)) {
      ctx.reported.add(key);
      ctx.errors.push({ ...loc, message: `module ${name}: source ${source} is not on disk${dir ? '' : ' (run terraform init to download it into .terraform/modules)'}; its resources are not scanned` });
    }
    return;
  }
  if (chain.includes(resolve(dir))) {
    const loc = locOf(b.file, b.node);
    const key = `${loc.file}:${loc.line}:cycle`;
    if (!ctx.reported.has(key)) {
      ctx.reported.add(key);
      ctx.errors.push({ ...loc, message: `module ${name} calls ${displayPath(dir)}, which is already in this call chain (a module cycle, which Terraform refuses); not followed` });
    }
    return;
  }
  // `providers = { aws = aws.use1 }`: the child's `aws` is the caller's `aws.use1`; unlisted ones are inherited.
  const childProviders = new Map(providers);
  const providersAttr = parts.attrs.find((a) => attrName(a) === 'providers');
  if (providersAttr) {
    for (const m of providersAttr.text.replace(/^providers\s*=\s*/, '').matchAll(/([A-Za-z0-9_.-]+)\s*=\s*([A-Za-z0-9_.-]+)/g)) {
      childProviders.set(m[1], providers.get(m[2]) ?? m[2]);
    }
  }
  for (const inst of instances(b, { ...scope, file: b.file })) {
    const s: EvalScope = { ...scope, file: b.file, bindings: inst.bindings };
    const inputs = new Map<string, TfValue>();
    for (const a of parts.attrs) {
      const n = attrName(a);
      if (META.has(n)) continue;
      const e = attrExpr(a);
      if (e) inputs.set(n, evaluate(e, s));
    }
    evaluateModule(dir, inputs, `${prefix}module.${name}${inst.key}.`, ctx, depth + 1, [...chain, resolve(dir)], childProviders);
  }
}

/** Downloaded module folders by key, from `.terraform/modules/modules.json` under the root module. */
function downloadedModules(rootDir: string): Map<string, string> {
  const out = new Map<string, string>();
  const manifest = join(rootDir, '.terraform', 'modules', 'modules.json');
  if (!existsSync(manifest)) return out;
  try {
    const m = JSON.parse(readFileSync(manifest, 'utf8')) as { Modules?: { Key?: string; Dir?: string }[] };
    for (const e of m.Modules ?? []) if (e.Key && e.Dir) out.set(e.Key, join(rootDir, e.Dir));
  } catch {
    // An unreadable manifest means no downloaded modules are followed; module calls report it.
  }
  return out;
}

/**
 * Reads the Terraform configurations in `dirs` (each a folder with `.tf` files). Folders that
 * another scanned folder calls as a local module are read through their caller, not on their own.
 */
export function readTerraformDirs(dirs: string[], options: TerraformOptions = {}): { resources: Resource[]; errors: InputError[]; inputsRead: number } {
  const all = new Set(dirs.map((d) => resolve(d)));
  const called = new Set<string>();
  for (const d of all) {
    const mod = loadModule(d, options.maxFileBytes);
    for (const b of mod.blocks) {
      if (b.type !== 'module') continue;
      const src = bodyParts(b.body).attrs.find((a) => attrName(a) === 'source');
      const m = src ? /"(\.\.?\/[^"]*)"/.exec(src.text) : null;
      if (m) called.add(resolve(d, m[1]));
    }
  }
  const resources: Resource[] = [];
  const errors: InputError[] = [];
  let inputsRead = 0;
  // Folders that call each other in a cycle are all called; then each is read as a root.
  const roots = [...all].filter((d) => !called.has(d));
  const rootSet = new Set(roots.length ? roots : [...all]);
  const reach = new Set<string>();
  const visit = (d: string) => {
    if (reach.has(d)) return;
    reach.add(d);
    for (const b of loadModule(d, options.maxFileBytes).blocks) {
      const src = b.type === 'module' ? bodyParts(b.body).attrs.find((a) => attrName(a) === 'source') : undefined;
      const m = src ? /"(\.\.?\/[^"]*)"/.exec(src.text) : null;
      if (m) visit(resolve(d, m[1]));
    }
  };
  for (const r of rootSet) visit(r);
  for (const d of all) if (!reach.has(d)) { rootSet.add(d); visit(d); }
  const declared = new Set<string>();
  for (const d of rootSet) for (const b of loadModule(d, options.maxFileBytes).blocks) if (b.type === 'variable' && b.labels[0]) declared.add(b.labels[0]);
  for (const k of Object.keys(options.vars ?? {})) {
    if (!declared.has(k)) errors.push({ file: '--var', line: null, column: null, message: `${k}: no root module in this scan declares a variable named ${k}` });
  }
  for (const d of [...all].sort()) {
    if (!rootSet.has(d)) continue;
    const ctx: Context = { errors, resources, rootDir: d, options, downloaded: downloadedModules(d), defaultTags: new Map(), reported: new Set() };
    const before = errors.length;
    try {
      evaluateModule(d, null, '', ctx, 0);
    } catch (e) {
      // A parser or evaluator limit (absurd nesting ...) costs this root module, not the scan.
      errors.push({ file: displayPath(d) || '.', line: null, column: null, message: e instanceof RangeError ? 'nested too deeply to evaluate; this module is not judged' : `could not be evaluated: ${(e as Error).message}` });
    }
    if (errors.length === before || resources.length > 0) inputsRead++;
  }
  return { resources, errors, inputsRead };
}

/** The folder of a `.tf` file. */
export function moduleDirOf(file: string): string {
  return dirname(file) || '.';
}

void basename;
