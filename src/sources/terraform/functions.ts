/**
 * Terraform's built-in functions that decide ECS values in practice
 * (https://developer.hashicorp.com/terraform/language/functions): encoding (jsonencode,
 * jsondecode), files (file, templatefile), collections (merge, concat, lookup, flatten ...),
 * strings (format, join, lower, replace ...), type conversion, and try/coalesce. Any other function
 * gives an `Unresolved` value naming it. An unknown argument makes the result unknown, except for
 * jsonencode, which keeps the structure so known fields stay judgeable.
 */
import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { isUnresolved, unresolved, type Location } from '../../model/index.js';
import { displayPath } from '../walk.js';
import { decodeText, DEFAULT_MAX_FILE_BYTES } from '../text.js';
import { jsonWithPositions } from './json-positions.js';

export { jsonWithPositions };
import type { EvalScope } from './evaluate.js';
import { parseHcl, type SyntaxNode } from './parser.js';
import { firstUnresolved, JsonEncoded, plainOf, positions, setPos, SourcedText, textOf, type TfValue } from './values.js';

const isMap = (v: TfValue): v is Record<string, TfValue> => !!v && typeof v === 'object' && !Array.isArray(v) && !isUnresolved(v) && !(v instanceof SourcedText) && !(v instanceof JsonEncoded);

/** Reads a file for file() / templatefile(): relative paths are relative to the root module (where terraform runs). */
function readRelative(path: string, scope: EvalScope, at: Location): { text: string; file: string } | null {
  const full = isAbsolute(path) ? path : resolve(scope.rootDir, path);
  try {
    const st = statSync(full);
    // Only regular files, and not huge ones: file("/dev/zero") must not read forever.
    if (!st.isFile()) {
      scope.problem(at, `file ${path}: not a regular file`);
      return null;
    }
    if (st.size > DEFAULT_MAX_FILE_BYTES) {
      scope.problem(at, `file ${path}: over the ${DEFAULT_MAX_FILE_BYTES / (1024 * 1024)} MiB limit; not read`);
      return null;
    }
    const read = decodeText(readFileSync(full));
    if (!read.ok) {
      scope.problem(at, `file ${path}: ${read.message}${read.message.includes('UTF-8') ? ' (Terraform would refuse it too: use filebase64)' : ''}`);
      return null;
    }
    return { text: read.text, file: displayPath(full) };
  } catch (e) {
    scope.problem(at, `file ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
    return null;
  }
}

/**
 * Renders a templatefile() template: each `${expr}` (found with its balanced braces, so
 * `${jsonencode({ a = 1 })}` works) is evaluated with only the given variables, as Terraform
 * does; `%{ }` directives are not evaluated. Returns the text, or why it cannot be rendered.
 */
function renderTemplate(text: string, vars: Record<string, TfValue>, scope: EvalScope, at: Location, file: string): { text: string } | { why: string } {
  let out = '';
  let i = 0;
  const isolated: EvalScope = {
    ...scope,
    bindings: new Map(Object.entries(vars)),
    variable: (n) => unresolved(`a template cannot refer to var.${n}; pass it in the templatefile() variables`),
    local: (n) => unresolved(`a template cannot refer to local.${n}; pass it in the templatefile() variables`),
  };
  while (i < text.length) {
    const start = text.indexOf('${', i);
    const directive = text.indexOf('%{', i);
    if (directive !== -1 && (start === -1 || directive < start) && text[directive - 1] !== '%') return { why: 'it uses %{ } directives, which are not evaluated' };
    if (start === -1) {
      out += text.slice(i);
      break;
    }
    if (text[start - 1] === '$') {
      out += text.slice(i, start - 1) + '${';
      i = start + 2;
      continue;
    }
    out += text.slice(i, start);
    let depth = 0;
    let j = start + 2;
    for (; j < text.length; j++) {
      const c = text[j];
      if (c === '{') depth++;
      else if (c === '}') {
        if (depth === 0) break;
        depth--;
      } else if (c === '"') {
        for (j++; j < text.length && text[j] !== '"'; j++) if (text[j] === '\\') j++;
      }
    }
    const expr = text.slice(start + 2, j);
    const tree = parseHcl(`__v = ${expr}\n`);
    const attr = tree.descendantsOfType('attribute')[0];
    const node = attr?.namedChildren.find((c) => c?.type === 'expression') as SyntaxNode | undefined;
    if (!node || tree.hasError) return { why: `\${${expr.trim()}} is not an expression ecsguard reads` };
    // Names the template refers to, leaving out object keys (`{ name = k }`) and `for` variables.
    const forVars = new Set(node.descendantsOfType('for_intro').flatMap((f) => (f?.namedChildren ?? []).filter((c) => c?.type === 'identifier').map((c) => c?.text ?? '')));
    const refs = node.descendantsOfType('variable_expr').filter((r) => {
      const e = r?.parent;
      return !(e?.type === 'expression' && e.parent?.type === 'object_elem' && e.parent.namedChildren[0]?.id === e.id);
    }).map((r) => r?.text ?? '');
    for (const r of refs) {
      if (!['var', 'local', 'path', 'count', 'each', 'terraform'].includes(r) && !(r in vars) && !isolated.bindings.has(r) && !forVars.has(r)) {
        scope.problem(at, `templatefile ${file}: the variables map has no key '${r}'`);
        return { why: `the variables map has no key '${r}'` };
      }
    }
    const v = evaluateDetached(node, isolated);
    const t = textOf(v);
    if (t === null) return { why: isUnresolved(v) ? v.unresolved : `\${${expr.trim()}} is not a string` };
    out += t;
    i = j + 1;
  }
  return { text: out };
}

let evaluateDetached: (n: SyntaxNode, s: EvalScope) => TfValue = () => unresolved('evaluator not ready');

/** Wires the evaluator in (functions and evaluator refer to each other). */
export function setEvaluator(fn: (n: SyntaxNode, s: EvalScope) => TfValue): void {
  evaluateDetached = fn;
}

const toText = (v: TfValue): string | null => textOf(v);

/** Calls Terraform function `name`. */
export function callFunction(name: string, args: TfValue[], scope: EvalScope, node: SyntaxNode): TfValue {
  const at: Location = { file: scope.file, line: node.startPosition.row + 1, column: node.startPosition.column + 1 };
  // jsonencode keeps unknown parts inside its structure; try/coalesce pick among known values.
  if (name === 'jsonencode') return args.length === 1 ? new JsonEncoded(args[0]) : unresolved('jsonencode takes one argument');
  if (name === 'try' || name === 'can') {
    // try() falls back only on errors, not on values unknown until apply; ecsguard cannot tell the
    // two apart, so an unknown first argument leaves the result unknown rather than guessed.
    const first = firstUnresolved(args[0]);
    if (first) return unresolved(`${name}() of a value that is unknown here: ${first.unresolved}`);
    return name === 'can' ? true : args[0];
  }
  const unknown = args.find((a) => isUnresolved(a));
  if (unknown && isUnresolved(unknown)) return unresolved(`${name}(): ${unknown.unresolved}`);
  switch (name) {
    case 'jsondecode': {
      const a = args[0];
      if (a instanceof SourcedText) return jsonWithPositions(a.text, a.origin, scope, at);
      if (a instanceof JsonEncoded) return a.value as TfValue;
      const t = toText(a);
      return t === null ? unresolved('jsondecode of a non-string') : jsonWithPositions(t, at, scope, at);
    }
    case 'file': {
      const p = toText(args[0]);
      if (p === null) return unresolved('file() path is not a string');
      const r = readRelative(p, scope, at);
      return r ? new SourcedText(r.text, { file: r.file, line: 1, column: 1 }) : unresolved(`file ${p} could not be read`);
    }
    case 'templatefile': {
      const p = toText(args[0]);
      if (p === null) return unresolved('templatefile() path is not a string');
      const r = readRelative(p, scope, at);
      if (!r) return unresolved(`template ${p} could not be read`);
      const vars = isMap(args[1]) ? args[1] : {};
      const u = firstUnresolved(vars);
      if (u) return unresolved(`templatefile ${p}: ${u.unresolved}`);
      const out = renderTemplate(r.text, vars, scope, at, p);
      return 'why' in out ? unresolved(`templatefile ${p}: ${out.why}`) : new SourcedText(out.text, { file: r.file, line: 1, column: 1 }, true);
    }
    case 'merge': {
      // Positions follow the values, so a finding points where the winning key was written.
      const out: Record<string, TfValue> = {};
      for (const a of args) {
        if (a === null) continue;
        if (!isMap(a)) return unresolved('merge() of a value that is not a map');
        for (const [k, v] of Object.entries(a)) {
          out[k] = v;
          const l = positions.get(a)?.get(k);
          if (l) setPos(out, k, l);
        }
      }
      return out;
    }
    case 'concat': {
      const out: TfValue[] = [];
      for (const a of args) {
        if (!Array.isArray(a)) return unresolved('concat() of a value that is not a list');
        a.forEach((v, i) => {
          const l = positions.get(a)?.get(i);
          if (l) setPos(out, out.length, l);
          out.push(v);
        });
      }
      return out;
    }
    case 'flatten': {
      const flat = (v: TfValue): TfValue[] => (Array.isArray(v) ? v.flatMap(flat) : [v]);
      return Array.isArray(args[0]) ? flat(args[0]) : unresolved('flatten() of a non-list');
    }
    case 'lookup': {
      const [m, k, d] = args;
      const key = toText(k);
      if (!isMap(m) || key === null) return unresolved('lookup() on a non-map');
      return key in m ? m[key] : args.length > 2 ? d : unresolved(`lookup(): key ${key} is missing`);
    }
    case 'element': {
      const [l, i] = args;
      return Array.isArray(l) && l.length ? l[Number(i) % l.length] : unresolved('element() of an empty or non-list');
    }
    case 'length': {
      const a = args[0];
      return Array.isArray(a) ? a.length : isMap(a) ? Object.keys(a).length : (toText(a) ?? '').length;
    }
    case 'keys': return isMap(args[0]) ? Object.keys(args[0]).sort() : unresolved('keys() of a non-map');
    case 'values': return isMap(args[0]) ? Object.keys(args[0]).sort().map((k) => (args[0] as Record<string, TfValue>)[k]) : unresolved('values() of a non-map');
    case 'contains': return Array.isArray(args[0]) ? args[0].some((x) => toText(x) === toText(args[1])) : unresolved('contains() on a non-list');
    case 'distinct': return Array.isArray(args[0]) ? args[0].filter((x, i, a) => a.findIndex((y) => JSON.stringify(plainOf(y)) === JSON.stringify(plainOf(x))) === i) : unresolved('distinct() of a non-list');
    case 'compact': return Array.isArray(args[0]) ? args[0].filter((x) => x !== null && x !== '') : unresolved('compact() of a non-list');
    case 'tolist': case 'toset': return Array.isArray(args[0]) ? args[0] : unresolved(`${name}() of a non-list`);
    case 'tomap': return isMap(args[0]) ? args[0] : unresolved('tomap() of a non-map');
    case 'tostring': return args[0] === null ? null : toText(args[0]) ?? unresolved('tostring() of a collection');
    case 'tonumber': return args[0] === null ? null : Number(toText(args[0]));
    case 'tobool': return args[0] === null ? null : toText(args[0]) === 'true';
    case 'format': {
      const f = toText(args[0]);
      if (f === null) return unresolved('format() string is not a string');
      let i = 1;
      return f.replace(/%(%|[-+ #0]*\d*(?:\.\d+)?[sdvqft])/g, (m, spec: string) => {
        if (spec === '%') return '%';
        const v = args[i++];
        if (spec.endsWith('q')) return JSON.stringify(toText(v));
        if (spec.endsWith('d')) return String(Math.trunc(Number(v)));
        return toText(v) ?? JSON.stringify(plainOf(v));
      });
    }
    case 'join': {
      const sep = toText(args[0]) ?? '';
      const parts = args.slice(1).flatMap((a) => (Array.isArray(a) ? a : [a]));
      const texts = parts.map(toText);
      return texts.some((t) => t === null) ? unresolved('join() of non-strings') : texts.join(sep);
    }
    case 'split': {
      const sep = toText(args[0]);
      const s = toText(args[1]);
      return sep === null || s === null ? unresolved('split() of non-strings') : s.split(sep);
    }
    case 'lower': case 'upper': case 'trimspace': case 'title': {
      const s = toText(args[0]);
      if (s === null) return unresolved(`${name}() of a non-string`);
      return name === 'lower' ? s.toLowerCase() : name === 'upper' ? s.toUpperCase() : name === 'title' ? s.replace(/\b\w/g, (c) => c.toUpperCase()) : s.trim();
    }
    case 'replace': {
      const [s, sub, rep] = args.map(toText);
      if (s === null || sub === null || rep === null) return unresolved('replace() of non-strings');
      if (sub.length > 1 && sub.startsWith('/') && sub.endsWith('/')) return s.replace(new RegExp(sub.slice(1, -1), 'g'), rep.replace(/\$\{(\d+)\}/g, '$$$1'));
      return s.split(sub).join(rep);
    }
    case 'substr': {
      const s = toText(args[0]) ?? '';
      const off = Number(args[1]);
      const len = Number(args[2]);
      return len < 0 ? s.slice(off) : s.slice(off, off + len);
    }
    case 'startswith': return (toText(args[0]) ?? '').startsWith(toText(args[1]) ?? '\u0000');
    case 'endswith': return (toText(args[0]) ?? '').endsWith(toText(args[1]) ?? '\u0000');
    case 'coalesce': return args.find((a) => a !== null && a !== '') ?? unresolved('coalesce(): every argument is null or empty');
    case 'coalescelist': return args.find((a) => Array.isArray(a) && a.length > 0) ?? [];
    case 'max': return Math.max(...args.map(Number));
    case 'min': return Math.min(...args.map(Number));
    case 'abs': return Math.abs(Number(args[0]));
    case 'range': {
      const [a, b, step] = args.map(Number);
      const [start, end] = args.length === 1 ? [0, a] : [a, b];
      const st = args.length === 3 ? step : start <= end ? 1 : -1;
      const out: number[] = [];
      for (let x = start; st > 0 ? x < end : x > end; x += st) out.push(x);
      return out;
    }
    case 'zipmap': {
      const [k, v] = args;
      if (!Array.isArray(k) || !Array.isArray(v)) return unresolved('zipmap() of non-lists');
      return Object.fromEntries(k.map((key, i) => [toText(key) ?? '', v[i]]));
    }
    case 'base64encode': return Buffer.from(toText(args[0]) ?? '').toString('base64');
    case 'base64decode': return Buffer.from(toText(args[0]) ?? '', 'base64').toString('utf8');
    case 'sort': return Array.isArray(args[0]) ? [...args[0]].sort() : unresolved('sort() of a non-list');
    case 'reverse': return Array.isArray(args[0]) ? [...args[0]].reverse() : unresolved('reverse() of a non-list');
    case 'one': return Array.isArray(args[0]) ? (args[0].length ? args[0][0] : null) : unresolved('one() of a non-list');
    case 'sensitive': case 'nonsensitive': return args[0];
    default:
      return unresolved(`function ${name}() is not evaluated by ecsguard`);
  }
}
