/**
 * Low-level pieces of the Terraform patcher (./terraform.ts): reading the web-tree-sitter HCL
 * syntax tree (objects, tuples, blocks, attributes, which expressions are literals), spelling
 * fix values as HCL, and text edits by offset.
 *
 * Offsets: web-tree-sitter parses a JavaScript string and its `startIndex` / `endIndex` count
 * UTF-16 code units, the same unit as `String.prototype.slice`, so edits computed from node
 * positions apply to the text as read (non-ASCII text before a node does not shift them).
 */
import type { SyntaxNode } from '../sources/terraform/parser.js';
import { isRegionValue, type FixValue } from './plan.js';

/** A replacement of `text.slice(start, end)` by `text` in the ORIGINAL text (offsets in UTF-16 code units). */
export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

/** The named children of a node, without comments. */
export function kids(n: SyntaxNode): SyntaxNode[] {
  return n.namedChildren.filter((c): c is SyntaxNode => c !== null && c.type !== 'comment');
}

/** The unnamed (punctuation) child of `n` of the given type, or undefined. */
export function token(n: SyntaxNode, type: string): SyntaxNode | undefined {
  return n.children.find((c): c is SyntaxNode => c !== null && !c.isNamed && c.type === type);
}

/** Undoes HCL string escapes (`\"`, `\n`, `\uXXXX`, `$${`, `%%{`) of a quoted literal's inner text. */
export function unescapeHcl(s: string): string {
  const ESC: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' };
  return s
    .replace(/\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)/g, (_, e: string) => (e[0] === 'u' || e[0] === 'U' ? String.fromCodePoint(parseInt(e.slice(1), 16)) : ESC[e] ?? e))
    .replace(/\$\$\{/g, '${')
    .replace(/%%\{/g, '%{');
}

/** The value of a quoted string literal without interpolation (`"a\"b"`), or null for anything else. */
export function literalString(n: SyntaxNode | undefined): string | null {
  if (!n) return null;
  if (n.type === 'expression' || n.type === 'literal_value' || n.type === 'template_expr') {
    const k = kids(n);
    return k.length === 1 ? literalString(k[0]) : null;
  }
  if (n.type === 'string_lit' || n.type === 'quoted_template') {
    if (kids(n).some((c) => c.type === 'template_interpolation' || c.type === 'template_directive')) return null;
    return unescapeHcl(n.text.slice(1, -1));
  }
  return null;
}

/** Unwraps `expression` nodes that hold one thing (including parentheses) down to that thing. */
export function unwrap(n: SyntaxNode): SyntaxNode {
  let cur = n;
  for (;;) {
    const k = kids(cur);
    if ((cur.type === 'expression' || cur.type === 'collection_value' || cur.type === 'template_expr' || cur.type === 'literal_value') && k.length === 1) cur = k[0];
    else return cur;
  }
}

/** The object or tuple node an expression is written as, or null when it is something else. */
export function collectionOf(expr: SyntaxNode): SyntaxNode | null {
  const u = unwrap(expr);
  return u.type === 'object' || u.type === 'tuple' ? u : null;
}

/** The elements of an object (`object_elem`) or the items of a tuple (`expression`). */
export function membersOf(coll: SyntaxNode): SyntaxNode[] {
  return kids(coll).filter((c) => (coll.type === 'object' ? c.type === 'object_elem' : c.type === 'expression'));
}

/** The key of an object element when it is a bare identifier or a plain string; null when computed. */
export function elemKey(elem: SyntaxNode): string | null {
  const k = kids(elem)[0];
  if (!k) return null;
  const parts = kids(k);
  if (k.type === 'expression' && parts.length === 1 && parts[0].type === 'variable_expr') return parts[0].text;
  return literalString(k);
}

/** The key expression node of an object element or the name identifier of an attribute. */
export function keyNode(member: SyntaxNode): SyntaxNode | undefined {
  return kids(member)[0];
}

/** The value expression of an object element or attribute. */
export function valueOf(member: SyntaxNode): SyntaxNode | undefined {
  const k = kids(member);
  return member.type === 'object_elem' ? k[1] : k.find((c) => c.type === 'expression');
}

/** The name of an attribute or the type of a block. */
export function nameOf(n: SyntaxNode): string {
  return kids(n)[0]?.text ?? '';
}

/** The labels of a block (`resource "aws_ecs_service" "this"` gives both strings). */
export function labelsOf(block: SyntaxNode): string[] {
  return kids(block).slice(1).filter((c) => c.type === 'string_lit' || c.type === 'identifier').map((c) => (c.type === 'string_lit' ? unescapeHcl(c.text.slice(1, -1)) : c.text));
}

/** The body of a block, or null for an empty block. */
export function bodyOf(block: SyntaxNode): SyntaxNode | null {
  return kids(block).find((c) => c.type === 'body') ?? null;
}

/** The attributes and blocks of a block body, in order. */
export function bodyItems(block: SyntaxNode): SyntaxNode[] {
  const body = bodyOf(block);
  return body ? kids(body).filter((c) => c.type === 'attribute' || c.type === 'block') : [];
}

/** The attribute named `name` directly in a block's body. */
export function findAttr(block: SyntaxNode, name: string): SyntaxNode | undefined {
  return bodyItems(block).find((c) => c.type === 'attribute' && nameOf(c) === name);
}

/** True when the node spans one line. */
export function oneLine(n: SyntaxNode): boolean {
  return n.startPosition.row === n.endPosition.row;
}

/** `var.NAME` exactly (nothing more): NAME; else null. */
export function directVariable(expr: SyntaxNode): string | null {
  const e = expr.type === 'expression' ? expr : null;
  if (!e) return null;
  const k = kids(e);
  if (k.length === 1 && k[0].type === 'expression') return directVariable(k[0]);
  if (k.length !== 2 || k[0].type !== 'variable_expr' || k[0].text !== 'var' || k[1].type !== 'get_attr') return null;
  return kids(k[1])[0]?.text ?? null;
}

/** `local.NAME` exactly: NAME; else null. */
export function directLocal(expr: SyntaxNode): string | null {
  const k = kids(expr);
  if (expr.type === 'expression' && k.length === 1 && k[0].type === 'expression') return directLocal(k[0]);
  if (expr.type !== 'expression' || k.length !== 2 || k[0].type !== 'variable_expr' || k[0].text !== 'local' || k[1].type !== 'get_attr') return null;
  return kids(k[1])[0]?.text ?? null;
}

/**
 * True when an expression is a literal: numbers, booleans, null, strings without interpolation,
 * and tuples and objects (with literal keys) of literals. Heredocs are not literals here.
 */
export function isLiteral(n: SyntaxNode): boolean {
  switch (n.type) {
    case 'expression':
    case 'collection_value': {
      const k = kids(n);
      return k.length === 1 && isLiteral(k[0]);
    }
    case 'literal_value':
      return kids(n).every(isLiteral);
    case 'numeric_lit':
    case 'bool_lit':
    case 'null_lit':
      return true;
    case 'string_lit':
      return literalString(n) !== null;
    case 'template_expr':
      return kids(n).length === 1 && kids(n)[0].type === 'quoted_template' && literalString(kids(n)[0]) !== null;
    case 'tuple':
      return membersOf(n).every(isLiteral);
    case 'object':
      return membersOf(n).every((e) => elemKey(e) !== null && !!valueOf(e) && isLiteral(valueOf(e)!));
    case 'operation': {
      const u = kids(n)[0];
      return !!u && u.type === 'unary_operation' && u.children[0]?.type === '-' && kids(u).length === 1 && unwrap(kids(u)[0]).type === 'numeric_lit';
    }
    default:
      return false;
  }
}

/** True when the expression refers to `count.index` or `each.key` / `each.value`. */
export function usesCountOrEach(n: SyntaxNode): boolean {
  return n.descendantsOfType('variable_expr').some((v) => v !== null && (v.text === 'count' || v.text === 'each'));
}

/** A short description of why an expression is not a literal, for refusals (`var.user (a variable)`). */
export function describeExpr(n: SyntaxNode): string {
  const short = (s: string) => {
    const one = s.replace(/\s+/g, ' ').trim();
    return one.length > 60 ? `${one.slice(0, 57)}...` : one;
  };
  if (usesCountOrEach(n)) return `${short(n.text)} (derived from count or for_each)`;
  const u = unwrap(n);
  if (u.type === 'expression' || u.type === 'variable_expr') {
    const head = u.type === 'variable_expr' ? u.text : kids(u)[0]?.text ?? '';
    const what = head === 'var' ? 'a variable' : head === 'local' ? 'a local value' : head === 'data' ? 'a data source' : head === 'module' ? 'a module output' : 'a reference';
    return `${short(n.text)} (${what})`;
  }
  switch (u.type) {
    case 'function_call': {
      const name = kids(u)[0]?.text ?? '';
      return name === 'templatefile' ? 'templatefile() (a rendered template)' : `${name}(...) (a function call)`;
    }
    case 'conditional':
      return `${short(n.text)} (a conditional expression)`;
    case 'for_expr':
    case 'for_tuple_expr':
    case 'for_object_expr':
      return 'a for expression';
    case 'heredoc_template':
      return 'a heredoc';
    case 'quoted_template':
      return `${short(n.text)} (a string template)`;
    case 'operation':
    case 'binary_operation':
    case 'unary_operation':
      return `${short(n.text)} (an operation)`;
    default:
      return short(n.text);
  }
}

/** Reserved words that are quoted when used as object keys. */
const RESERVED = new Set(['true', 'false', 'null', 'for', 'in', 'if', 'endif', 'else', 'endfor']);

/** An HCL quoted string with escapes (`${` becomes `$${` so it is never interpolated). */
export function hclString(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === '"') out += '\\"';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || c === 0x7f) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  // A function replacement: in a replacement string `$$` would mean one `$`.
  return `"${out.replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{')}"`;
}

/** An object key: bare when it is a plain identifier, else quoted (`"awslogs-group"`). */
export function hclKey(k: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(k) && !RESERVED.has(k) ? k : hclString(k);
}

/**
 * How the members of an object are written: `key = value` (HCL) or `"key": value` (JSON style,
 * which HCL accepts too), keys quoted or bare when they can be, members separated by commas on
 * lines of their own (and after the last one too).
 */
export interface ObjectStyle {
  sep: '=' | ':';
  quote: boolean;
  commas: boolean;
  trailing: boolean;
}

/** The style of `terraform fmt`: `key = value`, bare keys, one member a line without commas. */
export const HCL_STYLE: ObjectStyle = { sep: '=', quote: false, commas: false, trailing: false };

/** The key of an object element is a quoted string (`"user" = ...`), not a bare identifier. */
function quotedKey(elem: SyntaxNode): boolean {
  const k = keyNode(elem);
  if (!k) return false;
  const u = unwrap(k);
  return u.type === 'string_lit' || u.type === 'quoted_template';
}

/**
 * The style an object is written in, for the members added to it: its last member's separator,
 * quoted keys when every key is quoted, commas when every member but the last is followed by
 * one (and after the last when it has one). `commaAfter` finds a comma after an offset.
 */
export function styleOf(obj: SyntaxNode, commaAfter: (pos: number) => number | null): ObjectStyle {
  const elems = membersOf(obj);
  const last = elems[elems.length - 1];
  if (!last) return HCL_STYLE;
  const sep = token(last, ':') ? ':' : '=';
  const quote = elems.every(quotedKey);
  const trailing = commaAfter(last.endIndex) !== null;
  const commas = elems.length > 1 ? elems.slice(0, -1).every((e) => commaAfter(e.endIndex) !== null) : trailing;
  return { sep, quote, commas, trailing };
}

/** An object key in a style: quoted when the style quotes keys or the key is not an identifier. */
export function styledKey(k: string, style: ObjectStyle): string {
  return style.quote ? hclString(k) : hclKey(k);
}

/** `key = ` or `"key": ` before a value, with `pad` before `=` (alignment). */
export function memberHead(k: string, style: ObjectStyle, pad = ' '): string {
  return style.sep === ':' ? `${styledKey(k, style)}: ` : `${styledKey(k, style)}${pad}= `;
}

/**
 * The elements of an object whose key is `key` (a bare and a quoted spelling are the same key).
 * More than one is a configuration Terraform rejects ("Duplicate object attribute") and that the
 * scan reads as the last one: edits there are refused.
 */
export function elemsWithKey(obj: SyntaxNode, key: string): SyntaxNode[] {
  return membersOf(obj).filter((e) => elemKey(e) === key);
}

/** How values are spelled: indentation unit, line end, the region for the REGION marker. */
export interface RenderOptions {
  unit: string;
  eol: string;
  region?: string;
  /** Called when the REGION marker is written as a placeholder (the region is unknown). */
  onPlaceholder?: () => void;
  /** How objects are written (default {@link HCL_STYLE}); nested objects are written the same way. */
  style?: ObjectStyle;
}

/** The placeholder written for the region when it is unknown. */
export const REGION_PLACEHOLDER = 'REPLACE_WITH_REGION';

/** True when a value is spelled over several lines (an object with more than one key, or a list of such). */
export function needsMultiline(v: FixValue): boolean {
  if (isRegionValue(v) || v === null || typeof v !== 'object') return false;
  if (Array.isArray(v)) return v.some(needsMultiline);
  const entries = Object.entries(v);
  return entries.length > 1 || entries.some(([, x]) => needsMultiline(x));
}

/** Key/value lines with `=` aligned in runs of one-line values, as `terraform fmt` does. */
export function alignEntries(entries: { key: string; value: string }[], indent: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < entries.length) {
    if (entries[i].value.includes('\n')) {
      out.push(`${indent}${entries[i].key} = ${entries[i].value}`);
      i++;
      continue;
    }
    let j = i;
    while (j < entries.length && !entries[j].value.includes('\n')) j++;
    const width = Math.max(...entries.slice(i, j).map((e) => e.key.length));
    for (const e of entries.slice(i, j)) out.push(`${indent}${e.key.padEnd(width)} = ${e.value}`);
    i = j;
  }
  return out;
}

/**
 * A fix value as HCL. `indent` is the indentation of the line the value starts on; nested lines
 * are one `unit` deeper. `inline` spells everything on one line (`{ a = 1, b = 2 }`), for values
 * inserted into one-line objects and lists.
 */
export function renderValue(v: FixValue, indent: string, o: RenderOptions, inline = false): string {
  if (isRegionValue(v)) {
    if (o.region) return hclString(o.region);
    o.onPlaceholder?.();
    return hclString(REGION_PLACEHOLDER);
  }
  if (v === null) return 'null';
  if (typeof v === 'string') return hclString(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  const inner = indent + o.unit;
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    if (inline || !needsMultiline(v)) return `[${v.map((x) => renderValue(x, indent, o, true)).join(', ')}]`;
    return `[${o.eol}${v.map((x) => inner + renderValue(x, inner, o)).join(`,${o.eol}`)}${o.eol}${indent}]`;
  }
  const entries = Object.entries(v);
  if (entries.length === 0) return '{}';
  const style = o.style ?? HCL_STYLE;
  if (inline || !needsMultiline(v)) return `{ ${entries.map(([k, x]) => `${memberHead(k, style)}${renderValue(x, indent, o, true)}`).join(', ')} }`;
  if (style.sep === ':') {
    const lines = entries.map(([k, x]) => `${inner}${memberHead(k, style)}${renderValue(x, inner, o)}`);
    return `{${o.eol}${lines.join(style.commas ? `,${o.eol}` : o.eol)}${style.trailing ? ',' : ''}${o.eol}${indent}}`;
  }
  const lines = alignEntries(entries.map(([k, x]) => ({ key: styledKey(k, style), value: renderValue(x, inner, o) })), inner);
  return `{${o.eol}${lines.join(style.commas ? `,${o.eol}` : o.eol)}${style.commas && style.trailing ? ',' : ''}${o.eol}${indent}}`;
}

/** One line of a block being written: an attribute, or a nested block with its own lines. */
export type BlockLine = { attr: string; value: FixValue } | { block: string; lines: BlockLine[] };

/** A block (`volume { ... }`) as HCL, starting at its type; `indent` is the indentation of its first line. */
export function renderBlock(type: string, lines: BlockLine[], indent: string, o: RenderOptions): string {
  const inner = indent + o.unit;
  const out: string[] = [];
  let run: { key: string; value: string }[] = [];
  const flush = () => {
    out.push(...alignEntries(run, inner));
    run = [];
  };
  for (const l of lines) {
    if ('attr' in l) run.push({ key: l.attr, value: renderValue(l.value, inner, o) });
    else {
      flush();
      out.push(inner + renderBlock(l.block, l.lines, inner, o));
    }
  }
  flush();
  return `${type} {${o.eol}${out.join(o.eol)}${o.eol}${indent}}`;
}

/** Positions in a text: line starts and ends, indentation, line end style. */
export class TextDoc {
  /** The line end used by the file (`\r\n` when it has any). */
  readonly eol: string;
  /** The file's indentation unit (a tab, or the smallest indentation in spaces; two spaces by default). */
  readonly unit: string;
  constructor(readonly text: string) {
    this.eol = text.includes('\r\n') ? '\r\n' : '\n';
    this.unit = detectUnit(text);
  }
  /** Offset of the start of the line holding `pos`. */
  lineStart(pos: number): number {
    return this.text.lastIndexOf('\n', pos - 1) + 1;
  }
  /** Offset of the end of the line holding `pos` (before `\r\n` or `\n`). */
  lineEnd(pos: number): number {
    const i = this.text.indexOf('\n', pos);
    if (i < 0) return this.text.length;
    return i > 0 && this.text[i - 1] === '\r' ? i - 1 : i;
  }
  /** Offset of the line end before the line holding `pos` (where a removal of whole lines starts). */
  prevEol(pos: number): number {
    const ls = this.lineStart(pos);
    if (ls === 0) return 0;
    return ls >= 2 && this.text[ls - 2] === '\r' ? ls - 2 : ls - 1;
  }
  /** The leading whitespace of the line holding `pos`. */
  indentAt(pos: number): string {
    return /^[ \t]*/.exec(this.text.slice(this.lineStart(pos)))![0];
  }
  /** True when only whitespace precedes `pos` on its line. */
  firstOnLine(pos: number): boolean {
    return this.text.slice(this.lineStart(pos), pos).trim() === '';
  }
  /** True when only whitespace, or whitespace and a comment, follows `pos` on its line. */
  restIsClean(pos: number): boolean {
    const rest = this.text.slice(pos, this.lineEnd(pos));
    return /^[ \t]*($|#|\/\/|\/\*.*\*\/[ \t]*$)/.test(rest);
  }
  /**
   * Where a new line can start after the code ending at `pos`: the end of its line, past the
   * comments that follow it (a `/* ... *\/` comment may end on a later line, whose end it is then);
   * null when other code follows on that line.
   */
  insertionAfter(pos: number): number | null {
    const t = this.text;
    let i = pos;
    for (;;) {
      while (t[i] === ' ' || t[i] === '\t') i++;
      if (i >= t.length || t[i] === '\n' || (t[i] === '\r' && t[i + 1] === '\n')) return i;
      if (t[i] === '#' || t.startsWith('//', i)) return this.lineEnd(i);
      if (!t.startsWith('/*', i)) return null;
      const end = t.indexOf('*/', i + 2);
      if (end < 0) return null;
      i = end + 2;
    }
  }
  /** The offset after a comma that directly follows `pos` (spaces allowed), or null. */
  commaAfter(pos: number): number | null {
    const m = /^[ \t]*,/.exec(this.text.slice(pos, pos + 200));
    return m ? pos + m[0].length : null;
  }
  /** The indentation unit used inside a container: the child's indent beyond the container line's. */
  unitBetween(outer: string, inner: string): string {
    return inner.length > outer.length && inner.startsWith(outer) ? inner.slice(outer.length) : this.unit;
  }
}

function detectUnit(text: string): string {
  let min = Infinity;
  for (const m of text.matchAll(/\n([ \t]+)\S/g)) {
    if (m[1].startsWith('\t')) return '\t';
    min = Math.min(min, m[1].length);
  }
  return Number.isFinite(min) && min <= 8 ? ' '.repeat(min) : '  ';
}

/** True when two edits touch the same text (insertions at the same offset do not). */
export function overlaps(a: TextEdit, b: TextEdit): boolean {
  if (a.start === a.end && b.start === b.end) return false;
  if (a.start === a.end) return b.start < a.start && a.start < b.end;
  if (b.start === b.end) return a.start < b.start && b.start < a.end;
  return a.start < b.end && b.start < a.end;
}

/**
 * Applies edits made against `text`, from the end backwards. Insertions at one offset keep the
 * order they are listed in; throws Error when two edits overlap (a bug of the caller).
 */
export function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  const list = edits.map((e, seq) => ({ ...e, seq }));
  for (let i = 0; i < list.length; i++) for (let j = i + 1; j < list.length; j++) {
    if (overlaps(list[i], list[j])) throw new Error(`overlapping edits at ${list[i].start} and ${list[j].start}`);
  }
  list.sort((a, b) => b.start - a.start || (a.start === a.end ? 1 : 0) - (b.start === b.end ? 1 : 0) || b.seq - a.seq);
  let out = text;
  for (const e of list) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}
