/**
 * A CloudFormation template as a tree of nodes that keep their 1-based line and column,
 * built from the `yaml` library's document API (which also reads JSON templates). The YAML
 * short forms (`!Ref X`, `!GetAtt a.b`, `!Sub ...`) become their long forms (`{ Ref: X }`,
 * `{ "Fn::GetAtt": [a, b] }`) here, so the rest of the source sees one spelling.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';

/** 1-based line and column. */
export interface Pos {
  line: number;
  column: number;
}

/** A template node. Map entries keep their key's position (where a finding should point). */
export type CNode = CMap | CSeq | CScalar;
export interface CMap { kind: 'map'; pos: Pos; entries: CEntry[] }
export interface CSeq { kind: 'seq'; pos: Pos; items: CNode[] }
export interface CScalar { kind: 'scalar'; pos: Pos; value: string | number | boolean | null }
export interface CEntry { key: string; keyPos: Pos; value: CNode }

/** A problem met while parsing, with its position. */
export interface ParseProblem extends Pos {
  message: string;
  /** Fatal problems (syntax errors) mean the tree cannot be trusted. */
  fatal: boolean;
}

/** Short-form tags and the long form each becomes. */
const SHORT_FORMS: Record<string, string> = {
  '!Ref': 'Ref', '!Condition': 'Condition',
  '!Sub': 'Fn::Sub', '!GetAtt': 'Fn::GetAtt', '!If': 'Fn::If', '!Join': 'Fn::Join', '!Select': 'Fn::Select',
  '!Split': 'Fn::Split', '!FindInMap': 'Fn::FindInMap', '!ImportValue': 'Fn::ImportValue', '!Equals': 'Fn::Equals',
  '!Not': 'Fn::Not', '!And': 'Fn::And', '!Or': 'Fn::Or', '!Base64': 'Fn::Base64', '!Cidr': 'Fn::Cidr',
  '!GetAZs': 'Fn::GetAZs', '!Length': 'Fn::Length', '!ToJsonString': 'Fn::ToJsonString', '!Transform': 'Fn::Transform',
  '!ForEach': 'Fn::ForEach',
};

/**
 * The short forms as custom tags for scalars, sequences and maps: the node keeps its tag and
 * no warning is made (warnings carry stack traces and cost more than the parse itself).
 */
const CUSTOM_TAGS = Object.keys(SHORT_FORMS).flatMap((tag) => [
  { tag, resolve: (s: string) => s },
  { tag, collection: 'seq' as const, resolve: <T>(v: T) => v },
  { tag, collection: 'map' as const, resolve: <T>(v: T) => v },
]);

/** Parses a template's text into nodes; syntax errors, duplicate keys and unknown tags become problems. */
export function parseTemplate(text: string): { root: CNode | null; problems: ParseProblem[] } {
  const lineCounter = new LineCounter();
  // The failsafe schema leaves every scalar a string; plain scalars are typed below by the YAML 1.2
  // core schema rules, which is the same result for a fraction of the cost.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false, merge: true, strict: false, customTags: CUSTOM_TAGS, schema: 'failsafe' });
  const problems: ParseProblem[] = [];
  const at = (offset: number): Pos => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };
  let fatalSeen = false;
  for (const e of doc.errors) {
    const pos = at(e.pos[0]);
    const fatal = e.code !== 'DUPLICATE_KEY';
    // After the first syntax error the parser's further complaints are mostly its consequences.
    if (fatal && fatalSeen) continue;
    fatalSeen ||= fatal;
    const message = e.code === 'DUPLICATE_KEY' ? 'duplicate key in a mapping: CloudFormation rejects the template; the last value is used here' : `YAML syntax error: ${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`;
    problems.push({ ...pos, message, fatal });
  }
  if (problems.some((p) => p.fatal)) return { root: null, problems };
  // Aliases are expanded as they are met; a budget on expanded nodes stops alias bombs ("billion laughs").
  let budget = Math.max(200_000, text.length * 4);
  let mergeNoted = false;
  const convert = (node: unknown, depth: number): CNode => {
    if (depth > 200) throw new Error('nesting deeper than 200 levels');
    if (--budget < 0) throw new Error('aliases expand to too many nodes (an alias bomb?); not read');
    if (isAlias(node)) {
      const target = node.resolve(doc);
      if (!target) {
        const pos = at(node.range?.[0] ?? 0);
        problems.push({ ...pos, message: `alias *${node.source} refers to no anchor`, fatal: false });
        return { kind: 'map', pos, entries: [{ key: 'Fn::UnknownAlias', keyPos: pos, value: { kind: 'scalar', pos, value: `*${node.source}` } }] };
      }
      return convert(target, depth + 1);
    }
    const y = node as YamlNode | null;
    const pos = at(y?.range?.[0] ?? 0);
    let out: CNode;
    if (isMap(y)) {
      const byKey = new Map<string, CEntry>();
      const merged = new Set<string>();
      const addEntry = (key: string, keyPos: Pos, value: CNode, fromMerge: boolean) => {
        const had = byKey.get(key);
        // Explicit keys win over merged ones; a key written twice is an error, the last one is used.
        if (had && fromMerge) return;
        if (fromMerge) merged.add(key);
        else if (had && merged.has(key)) merged.delete(key);
        else if (had) problems.push({ ...keyPos, message: `duplicate key '${key}' in a mapping: CloudFormation rejects the template; the last value is used here`, fatal: false });
        byKey.delete(key);
        byKey.set(key, { key, keyPos, value });
      };
      for (const pair of y.items) {
        if (!isPair(pair)) continue;
        const k = pair.key as YamlNode | null;
        const isMerge = isScalar(k) && typeof k.value === 'symbol';
        const key = isMerge ? '<<' : isScalar(k) ? String(k.value) : String(k);
        const keyPos = at(k?.range?.[0] ?? y.range?.[0] ?? 0);
        if (isMerge) {
          if (!mergeNoted) {
            mergeNoted = true;
            problems.push({ ...keyPos, message: "YAML merge key '<<': CloudFormation itself rejects it (aws cloudformation package and SAM expand it); read here with the merge applied", fatal: false });
          }
          const sources = isSeq(pair.value) ? pair.value.items : [pair.value];
          for (const src of sources) {
            const m = convert(src, depth + 1);
            if (m.kind === 'map') for (const e of m.entries) addEntry(e.key, e.keyPos, e.value, true);
          }
          continue;
        }
        const value = pair.value === null || pair.value === undefined ? { kind: 'scalar' as const, pos: keyPos, value: null } : convert(pair.value, depth + 1);
        addEntry(key, keyPos, value, false);
      }
      out = { kind: 'map', pos, entries: [...byKey.values()] };
    } else if (isSeq(y)) {
      out = { kind: 'seq', pos, items: y.items.map((i) => convert(i, depth + 1)) };
    } else if (isScalar(y)) {
      const v = y.value;
      const typed = y.type === 'PLAIN' && typeof v === 'string' && !(y as { tag?: string }).tag ? coreScalar(v) : v;
      out = { kind: 'scalar', pos, value: typeof typed === 'string' || typeof typed === 'number' || typeof typed === 'boolean' || typed === null ? typed : String(typed) };
    } else {
      out = { kind: 'scalar', pos, value: null };
    }
    const tag = y && 'tag' in y ? (y as { tag?: string }).tag : undefined;
    if (tag && tag.startsWith('!') && !tag.startsWith('!!')) {
      const long = SHORT_FORMS[tag];
      if (!long) {
        problems.push({ ...pos, message: `unknown tag ${tag}: CloudFormation knows ${Object.keys(SHORT_FORMS).slice(0, 6).join(', ')} ...; the value is treated as unknown`, fatal: false });
        return { kind: 'map', pos, entries: [{ key: 'Fn::UnknownTag', keyPos: pos, value: { kind: 'scalar', pos, value: tag } }] };
      }
      let arg: CNode = out;
      if (long === 'Fn::GetAtt' && out.kind === 'scalar' && typeof out.value === 'string') {
        const dot = out.value.indexOf('.');
        arg = { kind: 'seq', pos, items: [{ kind: 'scalar', pos, value: dot === -1 ? out.value : out.value.slice(0, dot) }, { kind: 'scalar', pos, value: dot === -1 ? '' : out.value.slice(dot + 1) }] };
      }
      return { kind: 'map', pos, entries: [{ key: long, keyPos: pos, value: arg }] };
    }
    return out;
  };
  try {
    const root = doc.contents ? convert(doc.contents, 0) : null;
    return { root, problems };
  } catch (e) {
    problems.push({ line: 1, column: 1, message: (e as Error).message, fatal: true });
    return { root: null, problems };
  }
}

/**
 * The value of a plain (unquoted) scalar under the YAML 1.2 core schema: null, booleans,
 * integers (decimal, 0o octal, 0x hex), floats (with .inf and .nan); anything else a string.
 * So `0:0` stays a string, as CloudFormation (a YAML 1.2 reader) keeps it.
 */
export function coreScalar(s: string): string | number | boolean | null {
  if (s === '' || s === '~' || s === 'null' || s === 'Null' || s === 'NULL') return null;
  if (s === 'true' || s === 'True' || s === 'TRUE') return true;
  if (s === 'false' || s === 'False' || s === 'FALSE') return false;
  if (/^[-+]?[0-9]+$/.test(s)) return Number(s);
  if (/^0o[0-7]+$/.test(s)) return parseInt(s.slice(2), 8);
  if (/^0x[0-9a-fA-F]+$/.test(s)) return parseInt(s.slice(2), 16);
  if (/^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(s)) return Number(s);
  if (/^[-+]?\.(inf|Inf|INF)$/.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
  if (/^\.(nan|NaN|NAN)$/.test(s)) return NaN;
  return s;
}

/** The entry `key` of a map node, or undefined. */
export function entry(node: CNode | undefined, key: string): CEntry | undefined {
  if (!node || node.kind !== 'map') return undefined;
  for (let i = node.entries.length - 1; i >= 0; i--) if (node.entries[i].key === key) return node.entries[i];
  return undefined;
}

/** The value of entry `key` of a map node, or undefined. */
export function get(node: CNode | undefined, key: string): CNode | undefined {
  return entry(node, key)?.value;
}

/** Plain JavaScript value of a node, intrinsics left as they are written. */
export function plain(node: CNode): unknown {
  if (node.kind === 'scalar') return node.value;
  if (node.kind === 'seq') return node.items.map(plain);
  const out: Record<string, unknown> = {};
  for (const e of node.entries) out[e.key] = plain(e.value);
  return out;
}
