/**
 * JSON parsing with positions (jsonc-parser), shared by the JSON-based sources: values come
 * from the fast native `JSON.parse`; the syntax tree that gives line and column is built only
 * when a location is asked for.
 */
import { parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { LineIndex } from './text.js';
import type { Location } from '../model/index.js';

/** A path segment: an object key or an array index. */
export type Segment = string | number;

/** Splits an ECS API path such as `containerDefinitions[1].user` into segments. */
export function parsePath(path: string): Segment[] {
  const out: Segment[] = [];
  const re = /([^.[\]]+)|\[(\d+)\]/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(path)) !== null) out.push(m[2] !== undefined ? Number(m[2]) : m[1]);
  return out;
}

/** The first syntax error of a JSON text, with 1-based line and column. */
export function jsonSyntaxError(text: string): { line: number; column: number; message: string } {
  const errors: ParseError[] = [];
  parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const index = new LineIndex(text);
  const first = errors[0];
  if (!first) return { line: 1, column: 1, message: 'invalid JSON' };
  const pos = index.position(first.offset);
  return { ...pos, message: `invalid JSON: ${describeParseError(first)}` };
}

/** What went wrong, without quoting the text there: it may be a secret's value. */
function describeParseError(e: ParseError): string {
  const what: Record<string, string> = {
    InvalidSymbol: 'unexpected character',
    InvalidNumberFormat: 'invalid number',
    PropertyNameExpected: 'a property name in double quotes was expected',
    ValueExpected: 'a value was expected',
    ColonExpected: "':' was expected",
    CommaExpected: "',' was expected",
    CloseBraceExpected: "'}' was expected",
    CloseBracketExpected: "']' was expected",
    EndOfFileExpected: 'the text goes on after the JSON value ended',
    InvalidCommentToken: 'comments are not allowed in JSON',
    UnexpectedEndOfComment: 'unterminated comment',
    UnexpectedEndOfString: 'unterminated string',
    UnexpectedEndOfNumber: 'unterminated number',
    InvalidUnicode: 'invalid \\u escape',
    InvalidEscapeCharacter: 'invalid escape character',
    InvalidCharacter: 'invalid character in a string',
  };
  const code = printParseErrorCode(e.error);
  return what[code] ?? code;
}

/** The child of an object (by key, the last of duplicates) or an array (by index). */
function childOf(node: Node, seg: Segment): Node | undefined {
  if (node.type === 'array' && typeof seg === 'number') return node.children?.[seg];
  if (node.type !== 'object') return undefined;
  const props = node.children ?? [];
  for (let i = props.length - 1; i >= 0; i--) {
    const k = props[i].children?.[0];
    if (k && k.value === seg) return props[i].children?.[1];
  }
  return undefined;
}

/** Locates paths in one JSON file; the tree is built on first use. */
export class JsonLocator {
  private root: Node | undefined | null = null;
  private index: LineIndex;
  constructor(private readonly text: string, readonly file: string) {
    this.index = new LineIndex(text);
  }

  private tree(): Node | undefined {
    if (this.root === null) this.root = parseTree(this.text, [], { disallowComments: true }) ?? undefined;
    return this.root;
  }

  /**
   * Location of `segments` under the root; for an absent path, of its nearest present ancestor.
   * A property points at its key (where an editor puts the cursor), an array element at its value.
   */
  locate(segments: Segment[]): Location {
    const root = this.tree();
    if (!root) return { file: this.file, line: 1, column: 1 };
    // Walk down as far as the path exists; with duplicate keys the last one wins, as in JSON.parse.
    let node: Node = root;
    for (const seg of segments) {
      const next = childOf(node, seg);
      if (!next) break;
      node = next;
    }
    const target = node && node.parent?.type === 'property' && node.parent.children?.[1] === node ? node.parent : node;
    const pos = this.index.position(target?.offset ?? 0);
    return { file: this.file, ...pos };
  }

  /** Keys that appear twice in one object: `JSON.parse` keeps the last, which is what is judged. */
  duplicateKeys(): { key: string; line: number; column: number }[] {
    const root = this.tree();
    const out: { key: string; line: number; column: number }[] = [];
    const visit = (n: Node) => {
      const children = n.children;
      if (!children) return;
      if (n.type === 'object') {
        for (let i = 1; i < children.length; i++) {
          const k = children[i].children?.[0];
          if (!k) continue;
          for (let j = 0; j < i; j++) {
            if (children[j].children?.[0]?.value === k.value) {
              out.push({ key: String(k.value), ...this.index.position(k.offset) });
              break;
            }
          }
        }
        for (const p of children) if (p.children?.[1]) visit(p.children[1]);
      } else if (n.type === 'array') {
        for (const c of children) visit(c);
      }
    };
    if (root) visit(root);
    return out;
  }

  /** 1-based position of a character offset. */
  position(offset: number): { line: number; column: number } {
    return this.index.position(offset);
  }
}
