/**
 * Edits of YAML text that keep everything else byte for byte: comments, key order, quoting,
 * indentation and blank lines. Nodes come from the `yaml` library's parse (with source ranges);
 * each edit is a splice of the original text, computed against the original and applied from the
 * end backwards. Block and flow collections are both handled; an edit that cannot be made in place
 * (removing the first key of a list item written on the dash line) throws {@link YamlEditRefused}.
 */
import { isMap, isPair, isScalar, isSeq, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';

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
  private readonly splices: Splice[] = [];
  private readonly step: string;
  /** The file's line ending, used for every inserted line. */
  private readonly eol: string;

  constructor(readonly text: string) {
    this.step = ' '.repeat(detectStep(text));
    this.eol = text.includes('\r\n') ? '\r\n' : '\n';
  }

  private lineStart(offset: number): number {
    return this.text.lastIndexOf('\n', offset - 1) + 1;
  }

  private column(offset: number): number {
    return offset - this.lineStart(offset);
  }

  /** The offset just after the last non-blank character at or before `end`, then to the end of that line (before its newline). */
  private endOfLineAfter(end: number): number {
    let p = end;
    while (p > 0 && /\s/.test(this.text[p - 1])) p--;
    const nl = this.text.indexOf('\n', p);
    if (nl < 0) return this.text.length;
    return nl > 0 && this.text[nl - 1] === '\r' ? nl - 1 : nl;
  }

  private onlySpaceBefore(offset: number): boolean {
    return /^[ \t]*$/.test(this.text.slice(this.lineStart(offset), offset));
  }

  private splice(start: number, end: number, text: string): void {
    for (const s of this.splices) {
      if (start < s.end && s.start < end) throw new YamlEditRefused('two edits overlap');
    }
    this.splices.push({ start, end, text, seq: this.splices.length });
  }

  /** Sets `key` in `map` to `value`: replaces a scalar value in place, or adds the pair after the map's last pair. */
  set(map: YAMLMap, key: string, value: YamlValue): void {
    const pair = findPair(map, key);
    if (pair) {
      const v = pair.value as Node | null;
      if (v && isScalar(v) && !v.tag && isScalarValue(value)) {
        this.splice(v.range![0], v.range![1], yamlScalar(value));
        return;
      }
      if (v && (v.tag || !isScalar(v))) throw new YamlEditRefused(`${key} holds ${v.tag ? `a ${v.tag} value` : 'a collection'}; it is not replaced automatically`);
      // `Key:` with no value, or an empty scalar.
      const keyNode = pair.key as Node;
      const at = v?.range ? v.range[1] : keyNode.range![1] + 1;
      const lines = yamlBlockPair(key, value, ' '.repeat(this.column(keyNode.range![0])), this.step);
      this.splice(keyNode.range![0], at, lines.join(this.eol));
      return;
    }
    this.addPair(map, key, value);
  }

  private addPair(map: YAMLMap, key: string, value: YamlValue): void {
    const items = map.items as Pair[];
    if (map.flow) {
      const closing = map.range![1] - 1;
      if (this.text[closing] !== '}') throw new YamlEditRefused('unexpected flow mapping');
      const last = items[items.length - 1];
      const at = last ? lastEnd(last) : closing;
      this.splice(at, at, `${last ? ', ' : ''}${yamlScalar(key)}: ${yamlFlow(value)}`);
      return;
    }
    if (items.length === 0) throw new YamlEditRefused('empty block mapping');
    const indent = ' '.repeat(this.column((items[0].key as Node).range![0]));
    const at = this.endOfLineAfter(lastEnd(items[items.length - 1]));
    this.splice(at, at, this.eol + indent + yamlBlockPair(key, value, indent, this.step).join(this.eol));
  }

  /** Removes `key` from `map` with its value and the lines they fill. */
  deletePair(map: YAMLMap, key: string): void {
    const pair = findPair(map, key);
    if (!pair) return;
    const keyNode = pair.key as Node;
    const start = keyNode.range![0];
    if (map.flow) {
      const items = map.items as Pair[];
      const i = items.indexOf(pair);
      const end = lastEnd(pair);
      if (i < items.length - 1) this.splice(start, (items[i + 1].key as Node).range![0], '');
      else if (i > 0) this.splice(lastEnd(items[i - 1]), end, '');
      else this.splice(start, end, '');
      return;
    }
    if (!this.onlySpaceBefore(start)) throw new YamlEditRefused(`${key} is written on the line of a list item's dash; remove it by hand`);
    const end = this.endOfLineAfter(lastEnd(pair));
    this.splice(this.lineStart(start), Math.min(end + (this.text[end] === '\r' ? 2 : 1), this.text.length), '');
  }

  /** Removes item `index` of `seq`. */
  deleteItem(seq: YAMLSeq, index: number): void {
    const items = seq.items as Node[];
    const item = items[index];
    if (!item?.range) return;
    if (seq.flow) {
      if (index < items.length - 1) this.splice(item.range[0], items[index + 1].range![0], '');
      else if (index > 0) this.splice(items[index - 1].range![1], item.range[1], '');
      else this.splice(item.range[0], item.range[1], '');
      return;
    }
    const dash = this.text.lastIndexOf('-', item.range[0]);
    if (dash < 0 || !this.onlySpaceBefore(dash)) throw new YamlEditRefused('list item not on its own line');
    const end = this.endOfLineAfter(item.range[1]);
    this.splice(this.lineStart(dash), Math.min(end + (this.text[end] === '\r' ? 2 : 1), this.text.length), '');
  }

  /** Appends `value` to the list under `key` in `map`, creating the list when the key is absent. */
  append(map: YAMLMap, key: string, value: YamlValue): void {
    const pair = findPair(map, key);
    const seq = pair?.value as Node | null | undefined;
    if (!pair || seq === null || (isScalar(seq) && (seq.value === null || seq.value === ''))) {
      if (pair) this.set(map, key, [value]);
      else this.addPair(map, key, [value]);
      return;
    }
    if (!isSeq(seq) || seq.tag) throw new YamlEditRefused(`${key} is not a plain list`);
    const items = seq.items as Node[];
    if (seq.flow || items.length === 0) {
      const closing = seq.range![1] - 1;
      if (this.text[closing] !== ']') throw new YamlEditRefused('unexpected flow sequence');
      const last = items[items.length - 1];
      const at = last ? last.range![1] : closing;
      this.splice(at, at, `${last ? ', ' : ''}${yamlFlow(value)}`);
      return;
    }
    const first = items[0];
    const dash = this.text.lastIndexOf('-', first.range![0]);
    const indent = ' '.repeat(this.column(dash));
    const at = this.endOfLineAfter(items[items.length - 1].range![1]);
    this.splice(at, at, this.eol + yamlBlockItem(value, indent, this.step).join(this.eol));
  }

  /** The edited text. */
  result(): string {
    let out = this.text;
    for (const s of [...this.splices].sort((a, b) => b.start - a.start || b.end - a.end || b.seq - a.seq)) out = out.slice(0, s.start) + s.text + out.slice(s.end);
    return out;
  }
}

/** The pair of `map` whose key is the scalar `key`. */
export function findPair(map: YAMLMap, key: string): Pair | undefined {
  return (map.items as Pair[]).find((p) => isPair(p) && isScalar(p.key) && p.key.value === key);
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
