/**
 * The HCL expression evaluator: turns a syntax tree expression into a value, with what the
 * configuration itself tells (literals, variables, locals, functions, conditionals, `for`
 * expressions, templates) and `Unresolved` for what only apply can tell (resource attributes,
 * data sources, variables without a value). Follows the Terraform language reference
 * (https://developer.hashicorp.com/terraform/language/expressions).
 */
import { isUnresolved, unresolved, type Location, type Unresolved } from '../../model/index.js';
import type { SyntaxNode } from './parser.js';
import { callFunction, setEvaluator } from './functions.js';
import { firstUnresolved, JsonEncoded, plainOf, setPos, SourcedText, textOf, type TfValue } from './values.js';

/** What an expression can refer to. */
export interface EvalScope {
  /** The file the expression is in (for positions). */
  file: string;
  /** The module's folder relative to the root module (path.module). */
  dir: string;
  /** Absolute path of the root module, where relative paths of file() start. */
  rootDir: string;
  variable(name: string): TfValue;
  local(name: string): TfValue;
  /** count.index, each.key / each.value, and `for` expression variables. */
  bindings: Map<string, TfValue>;
  problem(loc: Location, message: string): void;
}

const locOf = (scope: EvalScope, n: SyntaxNode): Location => ({ file: scope.file, line: n.startPosition.row + 1, column: n.startPosition.column + 1 });
const named = (n: SyntaxNode): SyntaxNode[] => n.namedChildren.filter((c): c is SyntaxNode => c !== null);

/** Evaluates an `expression` (or any expression node). */
export function evalExpr(node: SyntaxNode, scope: EvalScope): TfValue {
  switch (node.type) {
    case 'expression':
      // A primary expression and its accesses; `( expr )` parses as expression > expression.
      return evalSequence(named(node), scope);
    case 'literal_value':
      return evalLiteral(named(node)[0], scope);
    case 'collection_value':
      return evalExpr(named(node)[0], scope);
    case 'tuple': {
      const out: TfValue[] = [];
      for (const c of named(node)) {
        if (c.type !== 'expression') continue;
        setPos(out, out.length, locOf(scope, c));
        out.push(evalExpr(c, scope));
      }
      return out;
    }
    case 'object': {
      const out: Record<string, TfValue> = {};
      for (const elem of named(node)) {
        if (elem.type !== 'object_elem') continue;
        const [k, v] = named(elem).filter((c) => c.type === 'expression');
        if (!k || !v) continue;
        const key = objectKey(k, scope);
        if (isUnresolved(key)) return unresolved(`an object key is unknown: ${key.unresolved}`);
        setPos(out, key, locOf(scope, elem));
        out[key] = evalExpr(v, scope);
      }
      return out;
    }
    case 'template_expr':
      return evalExpr(named(node)[0], scope);
    case 'quoted_template':
    case 'string_lit':
      return evalTemplate(node, scope, false);
    case 'heredoc_template':
      return evalTemplate(node, scope, true);
    case 'variable_expr':
      return reference(node.text, scope, node);
    case 'function_call': {
      const [id, args] = named(node);
      const argNodes = args ? named(args).filter((c) => c.type === 'expression') : [];
      const expand = args ? args.children.some((c) => c?.type === '...') : false;
      const values = argNodes.map((a) => evalExpr(a, scope));
      if (expand) {
        const last = values.pop();
        if (isUnresolved(last)) return last;
        if (!Array.isArray(last)) return unresolved(`the expanded argument of ${id.text} is not a list`);
        values.push(...last);
      }
      return callFunction(id.text, values, scope, node);
    }
    case 'conditional': {
      const [c, a, b] = named(node);
      const cond = evalExpr(c, scope);
      if (isUnresolved(cond)) return unresolved(`a condition is unknown: ${cond.unresolved}`);
      const chosen = truthy(cond) ? evalExpr(a, scope) : evalExpr(b, scope);
      // Terraform gives both results one type: a number or bool beside a string becomes a string.
      if (typeof chosen === 'number' || typeof chosen === 'boolean') {
        const other = truthy(cond) ? evalExpr(b, scope) : evalExpr(a, scope);
        if (typeof other === 'string' || other instanceof SourcedText) return String(chosen);
      }
      return chosen;
    }
    case 'operation':
      return evalExpr(named(node)[0], scope);
    case 'unary_operation': {
      const op = node.children[0]?.type;
      const v = evalSequence(named(node), scope);
      if (isUnresolved(v)) return v;
      return op === '!' ? !truthy(v) : -Number(v);
    }
    case 'binary_operation':
      return evalBinary(node, scope);
    case 'for_expr':
      return evalFor(named(node)[0], scope);
    case 'numeric_lit':
    case 'bool_lit':
    case 'null_lit':
      return evalLiteral(node, scope);
    default:
      return unresolved(`${node.type} expressions are not evaluated`);
  }
}

function evalLiteral(n: SyntaxNode | undefined, scope: EvalScope): TfValue {
  if (!n) return null;
  switch (n.type) {
    case 'numeric_lit': return Number(n.text);
    case 'bool_lit': return n.text === 'true';
    case 'null_lit': return null;
    case 'string_lit': return evalTemplate(n, scope, false);
    default: return unresolved(`literal ${n.type}`);
  }
}

function objectKey(k: SyntaxNode, scope: EvalScope): string | Unresolved {
  // A bare identifier is a literal key; anything else (a string, or a parenthesised expression) is evaluated.
  const parts = named(k);
  if (parts.length === 1 && parts[0].type === 'variable_expr') return parts[0].text;
  const v = evalExpr(k, scope);
  if (isUnresolved(v)) return v;
  return textOf(v) ?? String(v);
}

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' };

function unescape(s: string): string {
  return s.replace(/\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)/g, (_, e: string) => {
    if (e[0] === 'u' || e[0] === 'U') return String.fromCodePoint(parseInt(e.slice(1), 16));
    return ESCAPES[e] ?? e;
  }).replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{');
}

/**
 * A quoted string or heredoc: literal text (the source between the interpolations, so whitespace
 * is exact), `${...}` interpolations and `%{if}` directives. A heredoc becomes a `SourcedText`
 * that remembers its first line, so JSON inside it can be located.
 */
function evalTemplate(node: SyntaxNode, scope: EvalScope, heredoc: boolean): TfValue {
  const kids = node.children.filter((c): c is SyntaxNode => c !== null);
  let start: number;
  let end: number;
  let bodyStart: SyntaxNode | null = null;
  if (heredoc) {
    const ids = kids.filter((c) => c.type === 'heredoc_identifier');
    if (ids.length < 2) return unresolved('unterminated heredoc');
    // The body starts on the line after `<<EOT`.
    const src = node.tree.rootNode.text;
    const afterIntro = src.indexOf('\n', ids[0].endIndex);
    start = afterIntro === -1 ? ids[0].endIndex : afterIntro + 1;
    end = src.lastIndexOf('\n', ids[ids.length - 1].startIndex - 1) + 1;
    bodyStart = ids[0];
  } else {
    const open = kids.find((c) => c.type === 'quoted_template_start');
    const close = kids.find((c) => c.type === 'quoted_template_end');
    start = open ? open.endIndex : node.startIndex;
    end = close ? close.startIndex : node.endIndex;
  }
  const src = node.tree.rootNode.text;
  let out = '';
  let pos = start;
  let unknown: Unresolved | null = null;
  for (const c of kids) {
    if (c.startIndex < start || c.endIndex > end) continue;
    if (c.type !== 'template_interpolation' && c.type !== 'template_directive') continue;
    const lit = src.slice(pos, c.startIndex);
    out += heredoc ? lit.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{') : unescape(lit);
    pos = c.endIndex;
    if (c.type === 'template_interpolation') {
      const e = named(c).find((x) => x.type === 'expression');
      const v = e ? evalExpr(e, scope) : null;
      const t = textOf(v);
      if (t === null) {
        unknown ??= isUnresolved(v) ? v : firstUnresolved(v) ?? unresolved('a non-string value in a string template');
        out += '\u0000';
      } else out += t;
    } else {
      unknown ??= unresolved('%{ } template directives are not evaluated');
    }
  }
  const tail = src.slice(pos, end);
  out += heredoc ? tail.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{') : unescape(tail);
  if (unknown) return unresolved(`a string template is unknown: ${unknown.unresolved}`);
  if (!heredoc) return out;
  const indent = kids.some((c) => c.type === 'heredoc_start' && c.text.includes('-'));
  let text = out.replace(/\n$/, '');
  let column = 1;
  if (indent) {
    const lines = text.split('\n');
    const min = Math.min(...lines.filter((l) => l.trim()).map((l) => l.length - l.trimStart().length));
    text = lines.map((l) => l.slice(Math.min(min, l.length - l.trimStart().length))).join('\n');
    column = min + 1;
  }
  const line = (bodyStart?.startPosition.row ?? 0) + 2;
  return new SourcedText(text, { file: scope.file, line, column, ...(indent ? { everyLine: true } : {}) } as Location);
}

function truthy(v: TfValue): boolean {
  return v === true || v === 'true';
}

/**
 * Evaluates operand nodes that the grammar lists flat (a primary expression followed by
 * attribute and index accesses, as in `var.env == "prod"`).
 */
function evalSequence(parts: SyntaxNode[], scope: EvalScope): TfValue {
  if (parts.length === 0) return unresolved('empty operand');
  let value = evalExpr(parts[0], scope);
  for (let i = 1; i < parts.length; i++) value = applyPostfix(value, parts[i], scope, parts[0]);
  if ((value as unknown) instanceof Ref) return unresolved(`${[(value as unknown as Ref).root, ...(value as unknown as Ref).parts].join('.')} is known only after apply`);
  return value;
}

function evalBinary(node: SyntaxNode, scope: EvalScope): TfValue {
  const kids = node.children.filter((c): c is SyntaxNode => c !== null);
  const opIndex = kids.findIndex((c) => !c.isNamed);
  const op = kids[opIndex]?.type ?? '';
  const left = kids.slice(0, opIndex).filter((c) => c.isNamed);
  const right = kids.slice(opIndex + 1).filter((c) => c.isNamed);
  const a = evalSequence(left, scope);
  // && and || short-circuit when the left side decides.
  if (op === '&&' && !isUnresolved(a) && !truthy(a)) return false;
  if (op === '||' && !isUnresolved(a) && truthy(a)) return true;
  const b = evalSequence(right, scope);
  if (isUnresolved(a)) return a;
  if (isUnresolved(b)) return b;
  const ta = textOf(a) ?? JSON.stringify(plainOf(a));
  const tb = textOf(b) ?? JSON.stringify(plainOf(b));
  switch (op) {
    case '==': return ta === tb;
    case '!=': return ta !== tb;
    case '&&': return truthy(b);
    case '||': return truthy(b);
    case '+': return Number(a) + Number(b);
    case '-': return Number(a) - Number(b);
    case '*': return Number(a) * Number(b);
    case '/': return Number(a) / Number(b);
    case '%': return Number(a) % Number(b);
    case '<': return Number(a) < Number(b);
    case '>': return Number(a) > Number(b);
    case '<=': return Number(a) <= Number(b);
    case '>=': return Number(a) >= Number(b);
    default: return unresolved(`operator ${op}`);
  }
}

function evalFor(node: SyntaxNode, scope: EvalScope): TfValue {
  const kids = named(node);
  const intro = kids.find((c) => c.type === 'for_intro');
  const cond = kids.find((c) => c.type === 'for_cond');
  const exprs = kids.filter((c) => c.type === 'expression');
  if (!intro) return unresolved('malformed for expression');
  const ids = named(intro).filter((c) => c.type === 'identifier').map((c) => c.text);
  const collNode = named(intro).find((c) => c.type === 'expression');
  const coll = collNode ? evalExpr(collNode, scope) : null;
  if (isUnresolved(coll)) return unresolved(`a for expression runs over an unknown collection: ${coll.unresolved}`);
  // Maps are iterated in lexical key order, as Terraform does.
  const entries: [TfValue, TfValue][] = Array.isArray(coll) ? coll.map((v, i) => [i, v]) : coll && typeof coll === 'object' && !(coll instanceof SourcedText) && !(coll instanceof JsonEncoded) ? Object.entries(coll).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)) : [];
  const isObject = node.type === 'for_object_expr';
  const grouping = isObject && node.children.some((c) => c?.type === '...');
  const out: TfValue[] = [];
  const obj: Record<string, TfValue> = {};
  for (const [k, v] of entries) {
    const bindings = new Map(scope.bindings);
    if (ids.length === 2) {
      bindings.set(ids[0], k);
      bindings.set(ids[1], v);
    } else bindings.set(ids[0], v);
    const inner: EvalScope = { ...scope, bindings };
    if (cond) {
      const c = evalExpr(named(cond)[0], inner);
      if (isUnresolved(c)) return unresolved(`a for expression's condition is unknown: ${c.unresolved}`);
      if (!truthy(c)) continue;
    }
    if (isObject) {
      const key = evalExpr(exprs[0], inner);
      if (isUnresolved(key)) return key;
      const val = evalExpr(exprs[1], inner);
      const ks = textOf(key) ?? String(key);
      if (grouping) ((obj[ks] as TfValue[] | undefined) ?? (obj[ks] = [])) && (obj[ks] as TfValue[]).push(val);
      else obj[ks] = val;
    } else out.push(evalExpr(exprs[0], inner));
  }
  return isObject ? obj : out;
}

/** `var.x`, `local.x`, `count.index`, `each.key`, `path.module`, a `for` variable, or a resource/data/module reference. */
function reference(name: string, scope: EvalScope, node: SyntaxNode): TfValue {
  if (scope.bindings.has(name)) return scope.bindings.get(name) as TfValue;
  switch (name) {
    case 'var': case 'local': case 'count': case 'each': case 'path': case 'terraform': case 'data': case 'module': case 'self':
      return new Ref(name) as unknown as TfValue;
    default:
      return new Ref(name, node) as unknown as TfValue;
  }
}

/** A reference being built up by attribute access (`var` then `.name`). */
class Ref {
  constructor(readonly root: string, readonly node?: SyntaxNode, readonly parts: string[] = []) {}
}

function applyPostfix(value: TfValue, post: SyntaxNode, scope: EvalScope, head: SyntaxNode): TfValue {
  if ((value as unknown) instanceof Ref) {
    const r = value as unknown as Ref;
    if (post.type === 'get_attr') return resolveRef(new Ref(r.root, r.node, [...r.parts, named(post)[0]?.text ?? '']), scope, head);
    // resource.name[0] / module.x["k"]: an instance of a counted resource, still known only after apply.
    return resolveRef(r, scope, head);
  }
  if (isUnresolved(value)) return value;
  switch (post.type) {
    case 'get_attr': {
      const key = named(post)[0]?.text ?? '';
      if (value && typeof value === 'object' && !Array.isArray(value) && !(value instanceof SourcedText) && !(value instanceof JsonEncoded)) {
        return key in value ? (value as Record<string, TfValue>)[key] : unresolved(`attribute ${key} is not in the object`);
      }
      return unresolved(`.${key} on a value that is not an object`);
    }
    case 'index': {
      const idxNode = named(named(post)[0] ?? post).find((c) => c.type === 'expression');
      const idx = idxNode ? evalExpr(idxNode, scope) : Number(named(post)[0]?.text.replace(/^\./, ''));
      if (isUnresolved(idx)) return idx;
      if (Array.isArray(value)) return value[Number(idx)] ?? unresolved(`index ${String(idx)} is out of range`);
      if (value && typeof value === 'object' && !(value instanceof SourcedText) && !(value instanceof JsonEncoded)) {
        const k = String(idx);
        return k in value ? (value as Record<string, TfValue>)[k] : unresolved(`key ${k} is not in the map`);
      }
      return unresolved('an index into a value that is not a list or map');
    }
    case 'splat': {
      const list = Array.isArray(value) ? value : value === null ? [] : [value];
      const chain = named(named(post)[0] ?? post);
      return list.map((item) => chain.reduce<TfValue>((acc, p) => applyPostfix(acc, p, scope, head), item));
    }
    default:
      return unresolved(`${post.type} is not evaluated`);
  }
}

function resolveRef(ref: Ref, scope: EvalScope, head: SyntaxNode): TfValue {
  const [first, ...rest] = ref.parts;
  const wrap = (v: TfValue) => ((v as unknown) instanceof Ref ? v : rest.length ? rest.reduce<TfValue>((acc, k) => (isUnresolved(acc) ? acc : acc && typeof acc === 'object' && !Array.isArray(acc) && k in acc ? (acc as Record<string, TfValue>)[k] : unresolved(`${ref.root}.${ref.parts.join('.')} is unknown`)), v) : v);
  switch (ref.root) {
    case 'var': return first === undefined ? new Ref('var') as unknown as TfValue : wrap(scope.variable(first));
    case 'local': return first === undefined ? new Ref('local') as unknown as TfValue : wrap(scope.local(first));
    case 'count':
      if (first === undefined) return new Ref('count') as unknown as TfValue;
      return scope.bindings.get('count.index') ?? unresolved('count.index outside a counted resource');
    case 'each':
      if (first === undefined) return new Ref('each') as unknown as TfValue;
      return wrap(scope.bindings.get(`each.${first}`) ?? unresolved('each outside a for_each resource'));
    case 'path':
      if (first === undefined) return new Ref('path') as unknown as TfValue;
      return first === 'module' ? scope.dir : first === 'root' ? '.' : first === 'cwd' ? scope.rootDir : unresolved(`path.${first}`);
    case 'terraform':
      return first === 'workspace' ? 'default' : unresolved(`terraform.${first}`);
    case 'data':
      if (ref.parts.length < 2) return new Ref('data', ref.node, ref.parts) as unknown as TfValue;
      return unresolved(`data.${ref.parts.slice(0, 2).join('.')} is read by Terraform at plan time`);
    case 'module':
      if (ref.parts.length < 2) return new Ref('module', ref.node, ref.parts) as unknown as TfValue;
      return unresolved(`module.${ref.parts.slice(0, 2).join('.')} is an output of another module, not evaluated`);
    case 'self':
      return unresolved('self is known only during provisioning');
    default:
      if (ref.parts.length < 2) return new Ref(ref.root, ref.node, ref.parts) as unknown as TfValue;
      return unresolved(`${ref.root}.${ref.parts.slice(0, 2).join('.')} is known only after apply`);
  }
  void head;
}

/** The final value of an expression: a dangling reference (`var` alone) becomes Unresolved. */
export function evaluate(node: SyntaxNode, scope: EvalScope): TfValue {
  const v = evalExpr(node, scope) as unknown;
  if (v instanceof Ref) return unresolved(`${[v.root, ...v.parts].join('.')} is known only after apply`);
  return v as TfValue;
}

setEvaluator(evaluate);
