/**
 * Minimal edits of JSON text with jsonc-parser's `modify` + `applyEdits`: the bytes outside the
 * edited properties stay as they were, and inserted values follow the file's own indentation and
 * line endings.
 */
import { applyEdits, findNodeAtLocation, modify, parseTree, type FormattingOptions, type JSONPath, type Node } from 'jsonc-parser';

/** The indentation (tabs, or the smallest space step) and line ending the file uses. */
export function detectFormatting(text: string): FormattingOptions {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
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
 * Throws Error when an append targets something that is not a list.
 */
export function applyJsonEdits(text: string, edits: readonly JsonEdit[], formatting: FormattingOptions = detectFormatting(text)): string {
  let out = text;
  for (const e of edits) {
    if (e.op === 'append') {
      const tree = parseTree(out);
      const list = tree ? findNodeAtLocation(tree, e.path) : undefined;
      if (list && list.type !== 'array') throw new Error(`cannot append to ${e.path.join('.')}: it is not a list`);
      if (list) out = applyEdits(out, modify(out, [...e.path, list.children?.length ?? 0], e.value, { formattingOptions: formatting, isArrayInsertion: true }));
      else out = applyEdits(out, modify(out, e.path, [e.value], { formattingOptions: formatting }));
    } else if (e.op === 'delete') {
      out = deleteAt(out, e.path);
    } else {
      out = applyEdits(out, modify(out, e.path, e.value, { formattingOptions: formatting }));
    }
  }
  return out;
}

/** The node at `path` in `text`'s tree, or undefined. */
export function jsonNodeAt(text: string, path: JSONPath): Node | undefined {
  const tree = parseTree(text);
  return tree ? findNodeAtLocation(tree, path) : undefined;
}

/**
 * Removes the property or item at `path` with its comma, leaving every other byte alone (jsonc-parser's
 * own removal reformats the neighbouring item). Nothing happens when the path does not exist.
 */
function deleteAt(text: string, path: JSONPath): string {
  const tree = parseTree(text);
  const target = tree ? findNodeAtLocation(tree, path) : undefined;
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
