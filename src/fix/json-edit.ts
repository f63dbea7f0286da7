/**
 * Minimal edits of JSON text: the bytes outside the edited properties stay as they were, and
 * inserted values follow the style of the place they go to. In a container written over several
 * lines, a new member goes on a line of its own at its siblings' indentation (nested values
 * pretty-printed with the file's indentation unit and line ending); in a container written on one
 * line (a minified file, or `{"name": "a", "value": "b"}` inside a pretty one), it is written on
 * that line with the separators the container already uses. Neighbouring members are never
 * reformatted (jsonc-parser's own `modify` reformats the whole line it touches, which explodes a
 * minified file). Trees come from jsonc-parser's `parseTree`.
 */
import { findNodeAtLocation, parseTree, type FormattingOptions, type JSONPath, type Node, type ParseError } from 'jsonc-parser';

/** Thrown when an edit cannot be made in place: the caller reports the fix as refused. */
export class JsonEditRefused extends Error {}

/** The indentation (tabs, or the smallest space step) and line ending the file uses. */
export function detectFormatting(text: string): FormattingOptions {
  // The line ending of the first line (a file that ends with one CRLF but is LF elsewhere is an LF file).
  const eol = /\r\n|\r|\n/.exec(text)?.[0] ?? '\n';
  if (/^\t+\S/m.test(text)) return { insertSpaces: false, tabSize: 1, eol };
  let step = 0;
  for (const m of text.matchAll(/^( +)\S/gm)) {
    const n = m[1].length;
    if (step === 0 || n < step) step = n;
    if (step === 1) break;
  }
  return { insertSpaces: true, tabSize: step || 2, eol };
}

/** One edit at a JSON path: set (or insert) a value, delete a property or item, or append to a list. */
export type JsonEdit =
  | { op: 'set'; path: JSONPath; value: unknown }
  | { op: 'delete'; path: JSONPath }
  | { op: 'append'; path: JSONPath; value: unknown };

/**
 * Applies `edits` in order to `text`, each against the result of the previous one, so later
 * paths must account for earlier deletes (callers order deletes last, highest index first).
 * Appending to a missing list or to `null` creates the list. Throws {@link JsonEditRefused} when
 * an edit cannot be made (its parent is missing or is not an object or list, a key on its path
 * is written twice, the text is not JSON).
 */
export function applyJsonEdits(text: string, edits: readonly JsonEdit[], formatting: FormattingOptions = detectFormatting(text)): string {
  let out = text;
  for (const e of edits) {
    const root = parseStrict(out);
    const dup = duplicateOnPath(root, e.path);
    if (dup) throw new JsonEditRefused(dup);
    if (e.op === 'delete') {
      out = deleteAt(out, root, e.path);
      continue;
    }
    const node = findNodeAtLocation(root, e.path);
    if (e.op === 'append') {
      if (node && node.type === 'array') {
        out = insertItem(out, root, node, e.value, formatting);
        continue;
      }
      if (node && node.type !== 'null') throw new JsonEditRefused(`${describe(e.path)} is not a list`);
      out = setAt(out, root, e.path, node, [e.value], formatting);
      continue;
    }
    out = setAt(out, root, e.path, node, e.value, formatting);
  }
  return out;
}

/**
 * Removes every property at `path` (all of them when its key is written more than once in its
 * object); the path's parent must be unique. Throws {@link JsonEditRefused} when the text is not JSON.
 */
export function deleteEvery(text: string, path: JSONPath): string {
  let out = text;
  for (;;) {
    const root = parseStrict(out);
    if (!findNodeAtLocation(root, path)) return out;
    out = deleteAt(out, root, path);
  }
}

/** The whitespace at the start of the line holding `offset`. */
export function lineIndent(text: string, offset: number): string {
  const start = Math.max(text.lastIndexOf('\n', offset - 1), text.lastIndexOf('\r', offset - 1)) + 1;
  return /^[ \t]*/.exec(text.slice(start, offset))![0];
}

/** The node at `path` in `text`'s tree, or undefined. */
export function jsonNodeAt(text: string, path: JSONPath): Node | undefined {
  const tree = parseTree(text);
  return tree ? findNodeAtLocation(tree, path) : undefined;
}

/**
 * Why an edit at `path` cannot be trusted: a key on the way written twice in one object (JSON.parse
 * keeps the last, jsonc-parser's lookups find the first); null when there is none.
 */
export function duplicateOnPath(root: Node | undefined, path: JSONPath): string | null {
  let node = root;
  for (let i = 0; i < path.length && node; i++) {
    const seg = path[i];
    if (node.type === 'object' && typeof seg === 'string') {
      const props = (node.children ?? []).filter((p) => p.children?.[0]?.value === seg);
      if (props.length > 1) return `${describe(path.slice(0, i + 1))} is written ${props.length} times in one object (the last one is read): remove the duplicates by hand first`;
      node = props[0]?.children?.[1];
    } else if (node.type === 'array' && typeof seg === 'number') node = node.children?.[seg];
    else return null;
  }
  return null;
}

/** `a.b[0].c` for messages. */
export function describe(path: JSONPath): string {
  return path.map((s, i) => (typeof s === 'number' ? `[${s}]` : `${i ? '.' : ''}${s}`)).join('');
}

function parseStrict(text: string): Node {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false });
  if (!root || errors.length) throw new JsonEditRefused('the file is not valid JSON');
  return root;
}

/** True when `offset` is the first non-blank character of its line. */
function startsLine(text: string, offset: number): boolean {
  const start = Math.max(text.lastIndexOf('\n', offset - 1), text.lastIndexOf('\r', offset - 1)) + 1;
  return /^[ \t]*$/.test(text.slice(start, offset));
}

function unitOf(f: FormattingOptions): string {
  return f.insertSpaces ? ' '.repeat(f.tabSize || 2) : '\t';
}

/** The separators a one-line container uses: after the colon of a property, and after a comma. */
interface Separators {
  colon: string;
  comma: string;
}

/** The separators of `container` (or of the nearest container that shows them), else of the file. */
function separatorsOf(text: string, root: Node, container: Node): Separators {
  const minified = !/[\r\n]/.test(text.trim());
  const seps: Separators = minified ? { colon: ':', comma: ',' } : { colon: ': ', comma: ', ' };
  const colonOf = (n: Node): string | undefined => {
    const p = n.type === 'object' ? n.children?.[0] : undefined;
    const k = p?.children?.[0];
    const v = p?.children?.[1];
    return k && v ? text.slice(k.offset + k.length, v.offset) : undefined;
  };
  const commaOf = (n: Node): string | undefined => {
    if (n.type !== 'object' && n.type !== 'array') return undefined;
    const c = n.children ?? [];
    if (c.length < 2) return undefined;
    const between = text.slice(c[0].offset + c[0].length, c[1].offset);
    return /[\r\n]/.test(between) ? undefined : between;
  };
  // The container's own style first, then its ancestors', then the first one-line container of the file.
  for (let n: Node | undefined = container; n; n = n.parent) {
    const c = colonOf(n);
    if (c !== undefined && !/[\r\n]/.test(c)) { seps.colon = c; break; }
  }
  for (let n: Node | undefined = container; n; n = n.parent) {
    const c = commaOf(n);
    if (c !== undefined) { seps.comma = c; return seps; }
  }
  const visit = (n: Node): string | undefined => {
    const c = commaOf(n);
    if (c !== undefined) return c;
    for (const ch of n.children ?? []) {
      const r = visit(ch);
      if (r !== undefined) return r;
    }
    return undefined;
  };
  const found = visit(root);
  if (found !== undefined) seps.comma = found;
  return seps;
}

/** `value` on one line, with the given separators. */
function compact(value: unknown, s: Separators): string {
  if (Array.isArray(value)) return `[${value.map((v) => compact(v === undefined ? null : v, s)).join(s.comma)}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}${s.colon}${compact(v, s)}`).join(s.comma)}}`;
  }
  return JSON.stringify(value ?? null);
}

/** `value` pretty-printed for a line indented by `indent` (its first line not indented). */
function pretty(value: unknown, indent: string, f: FormattingOptions): string {
  return JSON.stringify(value ?? null, null, unitOf(f)).split('\n').join(`${f.eol ?? '\n'}${indent}`);
}

/** True when `container` is written over several lines with its members on lines of their own. */
function isMultiline(text: string, container: Node): boolean {
  const inner = text.slice(container.offset, container.offset + container.length);
  if (!/[\r\n]/.test(inner)) return false;
  const first = container.children?.[0];
  return !first || startsLine(text, first.offset);
}

/** Sets the value at `path`: replaces the node when present, else adds the property to its parent object. */
function setAt(text: string, root: Node, path: JSONPath, node: Node | undefined, value: unknown, f: FormattingOptions): string {
  if (node) {
    const holder = node.parent?.type === 'property' ? node.parent.parent : node.parent;
    const multiline = holder ? isMultiline(text, holder) : true;
    const written = multiline ? pretty(value, lineIndent(text, node.offset), f) : compact(value, separatorsOf(text, root, holder ?? node));
    return text.slice(0, node.offset) + written + text.slice(node.offset + node.length);
  }
  const key = path[path.length - 1];
  const parent = findNodeAtLocation(root, path.slice(0, -1));
  if (typeof key !== 'string' || !parent || parent.type !== 'object') throw new JsonEditRefused(`${describe(path.slice(0, -1))} is not an object in the file`);
  return insertMember(text, root, parent, `${JSON.stringify(key)}`, value, f);
}

function insertItem(text: string, root: Node, list: Node, value: unknown, f: FormattingOptions): string {
  return insertMember(text, root, list, null, value, f);
}

/** Adds a property (`key` given, JSON-quoted) or a list item (`key` null) after the container's last member. */
function insertMember(text: string, root: Node, container: Node, key: string | null, value: unknown, f: FormattingOptions): string {
  const eol = f.eol ?? '\n';
  const members = container.children ?? [];
  const last = members[members.length - 1];
  if (last) {
    if (isMultiline(text, container)) {
      const indent = lineIndent(text, last.offset);
      const body = key === null ? pretty(value, indent, f) : `${key}${separatorsOf(text, root, container).colon}${pretty(value, indent, f)}`;
      const at = last.offset + last.length;
      return `${text.slice(0, at)},${eol}${indent}${body}${text.slice(at)}`;
    }
    const seps = separatorsOf(text, root, container);
    const at = last.offset + last.length;
    return `${text.slice(0, at)}${seps.comma}${key === null ? '' : `${key}${seps.colon}`}${compact(value, seps)}${text.slice(at)}`;
  }
  // An empty container: expanded onto lines when its parent is written over lines, else kept on one line.
  const open = container.offset;
  const close = container.offset + container.length - 1;
  if (text.slice(open + 1, close).trim() !== '') throw new JsonEditRefused('unexpected text in an empty container');
  const holder = container.parent?.type === 'property' ? container.parent.parent : container.parent;
  if (holder && isMultiline(text, holder)) {
    const outer = lineIndent(text, open);
    const inner = outer + unitOf(f);
    const body = key === null ? pretty(value, inner, f) : `${key}: ${pretty(value, inner, f)}`;
    return `${text.slice(0, open + 1)}${eol}${inner}${body}${eol}${outer}${text.slice(close)}`;
  }
  const seps = separatorsOf(text, root, container);
  return `${text.slice(0, open + 1)}${key === null ? '' : `${key}${seps.colon}`}${compact(value, seps)}${text.slice(close)}`;
}

/**
 * Removes the property or item at `path` with its comma, leaving every other byte alone (jsonc-parser's
 * own removal reformats the neighbouring item). Nothing happens when the path does not exist.
 */
function deleteAt(text: string, root: Node, path: JSONPath): string {
  const target = findNodeAtLocation(root, path);
  if (!target) return text;
  // For an object property the unit removed is the property node (key and value).
  const unit = target.parent?.type === 'property' ? target.parent : target;
  const container = unit.parent;
  const siblings = container?.children ?? [];
  const i = siblings.indexOf(unit);
  if (!container || i < 0) return text;
  if (i < siblings.length - 1) return text.slice(0, unit.offset) + text.slice(siblings[i + 1].offset);
  if (i > 0) {
    const prev = siblings[i - 1];
    return text.slice(0, prev.offset + prev.length) + text.slice(unit.offset + unit.length);
  }
  // The only member: leave an empty collection.
  return text.slice(0, container.offset + 1) + text.slice(container.offset + container.length - 1);
}
