/**
 * The HCL2 parser: tree-sitter's Terraform grammar (@tree-sitter-grammars/tree-sitter-hcl) run by
 * web-tree-sitter, which gives a syntax tree with the line and column of every node, including
 * inside `jsonencode([...])`, and tolerates errors. Loaded once per process (top-level await:
 * the WebAssembly runtime and grammar load asynchronously, about 30 ms); parsing is synchronous.
 */
import { createRequire } from 'node:module';
import { Language, Parser, type Node } from 'web-tree-sitter';

const require = createRequire(import.meta.url);

await Parser.init();
const terraform = await Language.load(require.resolve('@tree-sitter-grammars/tree-sitter-hcl/tree-sitter-terraform.wasm'));
const parser = new Parser();
parser.setLanguage(terraform);

export type { Node as SyntaxNode };

/** Parses HCL text; the tree is error-tolerant (ERROR and MISSING nodes mark problems). */
export function parseHcl(text: string): Node {
  const tree = parser.parse(text);
  if (!tree) throw new Error('the HCL parser returned no tree');
  return tree.rootNode;
}

/** The first syntax problem in a tree, with 1-based line and column, or null. */
export function firstSyntaxError(root: Node): { line: number; column: number; message: string } | null {
  if (!root.hasError) return null;
  let found: Node | null = null;
  const visit = (n: Node): boolean => {
    if (n.type === 'ERROR' || n.isMissing) {
      found = n;
      return true;
    }
    for (const c of n.children) if (c && c.hasError && visit(c)) return true;
    for (const c of n.children) if (c && (c.type === 'ERROR' || c.isMissing) && visit(c)) return true;
    return false;
  };
  visit(root);
  const n = (found ?? root) as Node;
  const near = n.isMissing ? `missing ${n.type}` : 'unexpected text';
  return { line: n.startPosition.row + 1, column: n.startPosition.column + 1, message: `HCL syntax error: ${near}` };
}
