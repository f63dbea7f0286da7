/**
 * Edits of YAML text that keep everything else byte for byte: comments, key order, quoting,
 * indentation and blank lines. Nodes come from the `yaml` library's parse (with source ranges);
 * each edit is a splice of the original text, computed against the original and applied from the
 * end backwards. Block and flow collections are both handled; an edit that cannot be made in place
 * (a key written twice, a value given by an alias, removing the only key of a mapping) throws
 * {@link YamlEditRefused}.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';

/** A value to write: JSON, with `tagged` scalars for CloudFormation short forms (`!Ref AWS::Region`). */
export type YamlValue = string | number | boolean | null | { tagged: string; value: string } | YamlValue[] | { [key: string]: YamlValue };

/** Thrown when an edit cannot be made without rewriting more than the edited property. */
export class YamlEditRefused extends Error {}

interface Splice {
  start: number;
  end: number;
  text: string;
  /** Order of the call: insertions at one offset keep the order they were asked in. */
  seq: number;
  /** The flow collection whose removed items this splice removes. */
  flow?: Node;
  /** Start of the collection an insertion goes into (0 for replacements). */
  container: number;
}

const PLAIN = /^[A-Za-z_/][A-Za-z0-9_/.\-]*$/;
const RESERVED = /^(true|false|yes|no|on|off|null|y|n|~)$/i;

function isTagged(v: YamlValue): v is { tagged: string; value: string } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as { tagged?: unknown }).tagged === 'string' && Object.keys(v).length === 2;
}

/** A scalar as YAML: strings plain when unambiguous, else double-quoted (so `1000:1000` never reads as a number in YAML 1.1). */
export function yamlScalar(v: YamlValue): string {
  if (isTagged(v)) return `${v.tagged} ${v.value}`;
  if (typeof v === 'string') return PLAIN.test(v) && !RESERVED.test(v) ? v : JSON.stringify(v);
  if (v === null) return 'null';
  if (typeof v === 'boolean' || typeof v === 'number') return String(v);
  throw new Error('not a scalar');
}

function isScalarValue(v: YamlValue): boolean {
  return v === null || typeof v !== 'object' || isTagged(v);
}

/** A value in flow style (`{ Name: tmp }`, `[a, b]`). */
export function yamlFlow(v: YamlValue): string {
  if (isScalarValue(v)) return yamlScalar(v);
  if (Array.isArray(v)) return `[${v.map(yamlFlow).join(', ')}]`;
  return `{ ${Object.entries(v as Record<string, YamlValue>).map(([k, x]) => `${yamlScalar(k)}: ${yamlFlow(x)}`).join(', ')} }`;
}

/**
 * `key: value` in block style as lines; the first line has no indentation, the others are
 * indented from column 0 with `indent` + `step` per level.
 */
export function yamlBlockPair(key: string, value: YamlValue, indent: string, step: string): string[] {
  if (isScalarValue(value)) return [`${yamlScalar(key)}: ${yamlScalar(value)}`];
  const inner = indent + step;
  if (Array.isArray(value)) {
    if (value.length === 0) return [`${yamlScalar(key)}: []`];
    return [`${yamlScalar(key)}:`, ...value.flatMap((item) => yamlBlockItem(item, inner, step))];
  }
  const entries = Object.entries(value as Record<string, YamlValue>);
  if (entries.length === 0) return [`${yamlScalar(key)}: {}`];
  return [`${yamlScalar(key)}:`, ...entries.flatMap(([k, v]) => indentFirst(yamlBlockPair(k, v, inner, step), inner))];
}

/** `- item` in block style at `indent` (every line indented). */
export function yamlBlockItem(item: YamlValue, indent: string, step: string): string[] {
  if (isScalarValue(item) || Array.isArray(item)) return [`${indent}- ${isScalarValue(item) ? yamlScalar(item) : yamlFlow(item)}`];
  const entries = Object.entries(item as Record<string, YamlValue>);
  if (entries.length === 0) return [`${indent}- {}`];
  const inner = indent + '  ';
  const lines = entries.flatMap(([k, v]) => indentFirst(yamlBlockPair(k, v, inner, step), inner));
  lines[0] = `${indent}- ${lines[0].slice(inner.length)}`;
  return lines;
}

function indentFirst(lines: string[], indent: string): string[] {
  return lines.map((l, i) => (i === 0 ? indent + l : l));
}

/** Accumulates splices on one YAML text; {@link result} applies them. */
export class YamlEditor {
  private splices: Splice[] = [];
  /** Counts the splices asked for, for {@link Splice.seq}. */
  private asked = 0;
  /** The items removed so far from each flow collection: their removals are worked out together, so that neighbours do not overlap. */
  private flowRemoved = new Map<Node, Set<number>>();
  private readonly step: string;
  /** The file's line ending, used for every inserted line. */
  private readonly eol: string;

  constructor(readonly text: string) {
    this.step = ' '.repeat(detectStep(text));
    this.eol = /\r?\n/.exec(text)?.[0] ?? '\n';
  }

  private lineStart(offset: number): number {
    return this.text.lastIndexOf('\n', offset - 1) + 1;
  }

  private column(offset: number): number {
    return offset - this.lineStart(offset);
  }

  /** The end of the line holding `offset` (before its line break). */
  private lineEnd(offset: number): number {
    const nl = this.text.indexOf('\n', offset);
    if (nl < 0) return this.text.length;
    return nl > 0 && this.text[nl - 1] === '\r' ? nl - 1 : nl;
  }

  /** The offset just after the last non-blank character at or before `end`, then to the end of that line (before its newline). */
  private endOfLineAfter(end: number): number {
    let p = end;
    while (p > 0 && /\s/.test(this.text[p - 1])) p--;
    return this.lineEnd(p);
  }

  /** Just past the line break at `offset` (a line end), or `offset` at the end of the text. */
  private pastBreak(offset: number): number {
    if (this.text[offset] === '\r' && this.text[offset + 1] === '\n') return offset + 2;
    return this.text[offset] === '\n' ? offset + 1 : offset;
  }

  /**
   * Where the text of `node` (a pair, an item, a collection) ends, ignoring the comments and blank
   * lines the parser counts into a block collection: the end of the line of its last character,
   * or, after a block scalar that keeps its final line breaks (`|+`), the start of the next line.
   */
  private endOf(node: Node | Pair): { at: number; lineStart: boolean } {
    const leaf = lastLeaf(node);
    const range = leaf?.range;
    if (!range) throw new YamlEditRefused('a node without a position in the file');
    if (isScalar(leaf) && (leaf.type === 'BLOCK_LITERAL' || leaf.type === 'BLOCK_FOLDED') && /^[|>][1-9]?\+/.test(this.text.slice(range[0], range[0] + 3).replace(/^([|>])([+-])([1-9])/, '$1$3$2'))) {
      // Its trailing blank lines are part of the value: insert after them, not before.
      const end = range[1];
      return this.text[end - 1] === '\n' ? { at: end, lineStart: true } : { at: end, lineStart: false };
    }
    return { at: this.endOfLineAfter(range[1]), lineStart: false };
  }

  /** Inserts `lines` (each already indented) after `node`. */
  private insertAfter(node: Node | Pair, lines: string[], container: number): void {
    const { at, lineStart } = this.endOf(node);
    const block = lines.join(this.eol);
    // As whole lines at the start of the next line, so that removing the node's lines (the last
    // list item, deleted by the same fix) and inserting after it do not overlap.
    const next = lineStart ? at : this.pastBreak(at);
    if (next > at || lineStart) this.splice(next, next, block + this.eol, container);
    else this.splice(at, at, this.eol + block, container);
  }

  /**
   * Removes the lines from the one holding `start` to the end of `node`. When `before` (the
   * previous sibling) ends with a block scalar that keeps its final line breaks, the blank lines
   * after the removed ones go too: they would join that scalar's value.
   */
  private removeLines(start: number, node: Node | Pair, before: Node | Pair | undefined): void {
    const { at, lineStart } = this.endOf(node);
    let end = lineStart ? at : this.pastBreak(at);
    if (before && this.endOf(before).lineStart) {
      for (;;) {
        const next = this.pastBreak(this.lineEnd(end));
        if (next === end || !/^[ \t]*$/.test(this.text.slice(end, this.lineEnd(end)))) break;
        end = next;
      }
    }
    this.splice(this.lineStart(start), end, '');
  }

  private onlySpaceBefore(offset: number): boolean {
    return /^[ \t]*$/.test(this.text.slice(this.lineStart(offset), offset));
  }

  private splice(start: number, end: number, text: string, container = 0): void {
    for (const s of this.splices) {
      if (start < s.end && s.start < end) throw new YamlEditRefused('two edits overlap');
    }
    this.splices.push({ start, end, text, seq: this.asked++, container });
  }

  /** Sets `key` in `map` to `value`: replaces a scalar value in place, or adds the pair after the map's last pair. */
  set(map: YAMLMap, key: string, value: YamlValue): void {
    const pair = findPair(map, key);
    if (!pair) {
      this.addPair(map, key, value);
      return;
    }
    const v = pair.value as Node | null;
    if (v && isAlias(v)) throw new YamlEditRefused(`${key} is the YAML alias *${v.source}; change the anchored value by hand`);
    if (v && (v.tag || !isScalar(v))) throw new YamlEditRefused(`${key} holds ${v.tag ? `a ${v.tag} value` : 'a collection'}; it is not replaced automatically`);
    const keyNode = pair.key as Node;
    const colon = this.text.indexOf(':', keyNode.range![1]);
    const empty = !v || !v.range || v.range[0] === v.range[1];
    // A block scalar's range runs on to its line break and blank lines: they stay.
    let valueEnd = v?.range ? v.range[1] : colon + 1;
    while (v?.range && valueEnd > v.range[0] && /\s/.test(this.text[valueEnd - 1])) valueEnd--;
    if (v && !empty && isScalarValue(value)) {
      this.splice(v.range![0], valueEnd, yamlScalar(value));
      return;
    }
    // `Key:` with no value, `Key: ~`, or a scalar that becomes a collection: the value goes after
    // the colon, a block collection on the lines below.
    if (colon < 0 || (v?.range && colon > v.range[0])) throw new YamlEditRefused(`${key}: its value could not be located`);
    if (map.flow || isScalarValue(value)) {
      const written = map.flow ? yamlFlow(value) : yamlScalar(value);
      if (empty) this.splice(colon + 1, colon + 1, ` ${written}`);
      else this.splice(v!.range![0], valueEnd, written);
      return;
    }
    const lines = yamlBlockPair(key, value, ' '.repeat(this.column(keyNode.range![0])), this.step);
    if (lines.length === 1) {
      // An empty collection (`[]`, `{}`): on the key's line.
      const written = lines[0].slice(lines[0].indexOf(': ') + 2);
      if (empty) this.splice(colon + 1, colon + 1, ` ${written}`);
      else this.splice(v!.range![0], valueEnd, written);
      return;
    }
    if (!empty) this.splice(colon + 1, valueEnd, '');
    const at = this.lineEnd(empty ? colon + 1 : valueEnd);
    this.splice(at, at, this.eol + lines.slice(1).join(this.eol));
  }

  private addPair(map: YAMLMap, key: string, value: YamlValue): void {
    const items = map.items as Pair[];
    if (map.flow) {
      const closing = map.range![1] - 1;
      if (this.text[closing] !== '}') throw new YamlEditRefused('unexpected flow mapping');
      const last = items[items.length - 1];
      const at = last ? lastEnd(last) : closing;
      this.splice(at, at, `${last ? ', ' : ''}${yamlScalar(key)}: ${yamlFlow(value)}`, map.range![0]);
      return;
    }
    if (items.length === 0) throw new YamlEditRefused('empty block mapping');
    const indent = ' '.repeat(this.column((items[0].key as Node).range![0]));
    const lines = yamlBlockPair(key, value, indent, this.step);
    lines[0] = indent + lines[0];
    this.insertAfter(items[items.length - 1], lines, map.range![0]);
  }

  /** Removes `key` from `map` with its value and the lines they fill. */
  deletePair(map: YAMLMap, key: string): void {
    const pair = findPair(map, key);
    if (!pair) return;
    const keyNode = pair.key as Node;
    const start = keyNode.range![0];
    const items = map.items as Pair[];
    const i = items.indexOf(pair);
    if (map.flow) {
      this.removeFlowItem(map, i, items.map((p) => [(p.key as Node).range![0], lastEnd(p)]));
      return;
    }
    if (items.length === 1) throw new YamlEditRefused(`${key} is the only key of its mapping; removing it would leave no mapping: remove it by hand`);
    if (!this.onlySpaceBefore(start)) {
      // The first key of a list item, on the dash's line: the dash stays alone on its line and the
      // item's other keys, on the lines below, are untouched (so they can be edited by the same fix).
      const dash = this.lineStart(start) + this.text.slice(this.lineStart(start), start).lastIndexOf('-');
      if (i !== 0 || !/^-\s+$/.test(this.text.slice(dash, start))) throw new YamlEditRefused(`${key} is written on the line of a list item's dash; remove it by hand`);
      const { at, lineStart } = this.endOf(pair);
      const end = lineStart ? at - (this.text[at - 2] === '\r' ? 2 : 1) : at;
      this.splice(dash + 1, end, '');
      return;
    }
    this.removeLines(start, pair, items[i - 1]);
  }

  /** Removes item `index` of `seq`. */
  deleteItem(seq: YAMLSeq, index: number): void {
    const items = seq.items as Node[];
    const item = items[index];
    if (!item?.range) return;
    if (seq.flow) {
      this.removeFlowItem(seq, index, items.map((n) => [n.range![0], n.range![1]]));
      return;
    }
    if (items.length === 1) throw new YamlEditRefused('the item is the only one of its list; removing it would leave no list: remove it by hand');
    const dash = this.text.lastIndexOf('-', item.range[0] - 1);
    if (dash < 0 || !this.onlySpaceBefore(dash) || this.text.slice(dash + 1, item.range[0]).trim().replace(/^[&!]\S*\s*/, '') !== '') throw new YamlEditRefused('list item not on its own line');
    this.removeLines(dash, item, items[index - 1]);
  }

  /** Appends `value` to the list under `key` in `map`, creating the list when the key is absent. */
  append(map: YAMLMap, key: string, value: YamlValue): void {
    const pair = findPair(map, key);
    const seq = pair?.value as Node | null | undefined;
    if (!pair || seq === null || (isScalar(seq) && !seq.tag && (seq.value === null || seq.value === ''))) {
      if (pair) this.set(map, key, [value]);
      else this.addPair(map, key, [value]);
      return;
    }
    if (isAlias(seq)) throw new YamlEditRefused(`${key} is the YAML alias *${seq.source}; change the anchored list by hand`);
    if (!isSeq(seq) || seq.tag) throw new YamlEditRefused(`${key} is not a plain list`);
    const items = seq.items as Node[];
    if (seq.flow || items.length === 0) {
      const closing = seq.range![1] - 1;
      if (this.text[closing] !== ']') throw new YamlEditRefused('unexpected flow sequence');
      const last = items[items.length - 1];
      const at = last ? last.range![1] : closing;
      this.splice(at, at, `${last ? ', ' : ''}${yamlFlow(value)}`, seq.range![0]);
      return;
    }
    const first = items[0];
    const dash = this.text.lastIndexOf('-', first.range![0] - 1);
    const indent = ' '.repeat(this.column(dash));
    this.insertAfter(items[items.length - 1], yamlBlockItem(value, indent, this.step), seq.range![0]);
  }

  /**
   * Removes item `index` of a flow collection whose items span `spans` ([start, end] each), with
   * the comma that separates it: each run of removed neighbours goes with the comma after it, or,
   * at the end, with the comma before it.
   */
  private removeFlowItem(coll: Node, index: number, spans: [number, number][]): void {
    const removed = new Set(this.flowRemoved.get(coll) ?? []).add(index);
    const ranges: [number, number][] = [];
    for (let a = 0; a < spans.length; a++) {
      if (!removed.has(a)) continue;
      let b = a;
      while (removed.has(b + 1)) b++;
      if (b < spans.length - 1) ranges.push([spans[a][0], spans[b + 1][0]]);
      else if (a > 0) ranges.push([spans[a - 1][1], spans[b][1]]);
      else ranges.push([spans[a][0], spans[b][1]]);
      a = b;
    }
    const others = this.splices.filter((s) => s.flow !== coll);
    for (const [start, end] of ranges) {
      if (others.some((s) => start < s.end && s.start < end)) throw new YamlEditRefused('two edits overlap');
    }
    this.splices = [...others, ...ranges.map(([start, end]): Splice => ({ start, end, text: '', seq: this.asked++, container: 0, flow: coll }))];
    this.flowRemoved.set(coll, removed);
  }

  /** A point to {@link rollback} to. */
  mark(): { splices: Splice[]; flowRemoved: Map<Node, Set<number>> } {
    return { splices: [...this.splices], flowRemoved: new Map(this.flowRemoved) };
  }

  /** Drops the edits made since `mark`: a fix whose later edit was refused leaves nothing behind. */
  rollback(mark: ReturnType<YamlEditor['mark']>): void {
    this.splices = [...mark.splices];
    this.flowRemoved = new Map(mark.flowRemoved);
  }

  /** The edited text. */
  result(): string {
    let out = this.text;
    // From the end backwards. At one offset: the outer collection's insertion first, so that the
    // inner one's (a list ending where its mapping ends) lands before it; then in the order asked.
    const order = [...this.splices].sort((a, b) => b.start - a.start || b.end - a.end || a.container - b.container || b.seq - a.seq);
    for (const s of order) out = out.slice(0, s.start) + s.text + out.slice(s.end);
    return out;
  }
}

/** The pair of `map` whose key is the scalar `key`; throws {@link YamlEditRefused} when it is written more than once. */
export function findPair(map: YAMLMap, key: string): Pair | undefined {
  const pairs = pairsNamed(map, [key]);
  if (pairs.length > 1) throw new YamlEditRefused(`${key} is written ${pairs.length} times in one mapping (CloudFormation rejects the template): remove the duplicates by hand first`);
  return pairs[0];
}

/** The pairs of `map` whose key is one of the scalars `keys` (merge keys excluded). */
export function pairsNamed(map: YAMLMap, keys: readonly string[]): Pair[] {
  return (map.items as Pair[]).filter((p) => isPair(p) && isScalar(p.key) && typeof p.key.value === 'string' && keys.includes(p.key.value));
}

/** The node whose text ends a pair, item or collection: its last value, descending into block collections. */
function lastLeaf(node: Node | Pair | null): Node | null {
  if (node && isPair(node)) {
    const v = node.value as Node | null;
    return (v && lastLeaf(v)) ?? (node.key as Node);
  }
  if ((isMap(node) || isSeq(node)) && !node.flow && node.items.length) return lastLeaf(node.items[node.items.length - 1] as Node | Pair) ?? node;
  return node;
}

function lastEnd(pair: Pair): number {
  const v = pair.value as Node | null;
  if (v?.range) return v.range[1];
  return (pair.key as Node).range![1];
}

/** The smallest indentation step of the block mappings in `text` (2 when none). */
function detectStep(text: string): number {
  let step = 0;
  let prev = 0;
  for (const m of text.matchAll(/^( *)[^\s#-]/gm)) {
    const n = m[1].length;
    if (n > prev && (step === 0 || n - prev < step)) step = n - prev;
    prev = n;
  }
  return step || 2;
}

/** True for a YAML node that is a map (block or flow). */
export { isMap, isSeq };
