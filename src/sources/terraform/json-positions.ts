/**
 * JSON text inside Terraform values (heredocs, file(), templatefile(), jsondecode) parsed with
 * the position of every key and item, so findings inside container_definitions point at their
 * line. Kept apart from the function library so readers that need only this (the plan reader, in
 * worker threads) do not load the HCL parser.
 */
import { parseTree, type Node as JsonNode, type ParseError } from 'jsonc-parser';
import { unresolved, type Location } from '../../model/index.js';
import { jsonSyntaxError } from '../json-tree.js';
import { LineIndex } from '../text.js';
import type { EvalScope } from './evaluate.js';
import { setPos, type TfValue } from './values.js';

/**
 * Parses JSON text into values with the position of every key and item. `origin` is where the
 * text's first character is (a heredoc body, a file); for `approximate` origins (templatefile),
 * lines map one to one.
 */
export function jsonWithPositions(text: string, origin: Location & { everyLine?: boolean }, scope: EvalScope, at: Location): TfValue {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false });
  const index = new LineIndex(text);
  const loc = (offset: number): Location => {
    const p = index.position(offset);
    // An indented heredoc (<<-) lost the same indent on every line: add it back to every column.
    return { file: origin.file, line: origin.line + p.line - 1, column: p.line === 1 || origin.everyLine ? origin.column + p.column - 1 : p.column };
  };
  if (errors.length || !root) {
    const e = jsonSyntaxError(text);
    const where = loc(errors[0]?.offset ?? 0);
    scope.problem(where, `invalid JSON in ${origin.file === at.file && origin.line === at.line ? 'a string' : 'the text decoded here'}: ${e.message.replace(/^invalid JSON: /, '')}`);
    return unresolved(`the JSON at ${where.file}:${where.line} is invalid`);
  }
  const build = (n: JsonNode): TfValue => {
    switch (n.type) {
      case 'object': {
        const out: Record<string, TfValue> = {};
        for (const p of n.children ?? []) {
          const [k, v] = p.children ?? [];
          if (!k || !v) continue;
          const key = String(k.value);
          setPos(out, key, loc(k.offset));
          out[key] = build(v);
        }
        return out;
      }
      case 'array': {
        const out: TfValue[] = [];
        for (const c of n.children ?? []) {
          setPos(out, out.length, loc(c.offset));
          out.push(build(c));
        }
        return out;
      }
      default:
        return n.value as TfValue;
    }
  };
  return build(root);
}

