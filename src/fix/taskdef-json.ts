/**
 * The patcher of task definition JSON files: applies the planned fixes in place with minimal
 * edits, and makes each fixed task definition valid `register-task-definition --cli-input-json`
 * input: the describe-only fields (taskDefinitionArn, revision, status, requiresAttributes,
 * compatibilities, registeredAt, registeredBy, deregisteredAt) and the `ecsguard` suppression key
 * are removed, and a `describe-task-definition` output (`{ "taskDefinition": {...}, "tags": [...] }`)
 * is unwrapped, its tags moved beside the other fields, its lines shifted one level left.
 * Source: RegisterTaskDefinition in the Amazon ECS API Reference.
 */
import { parseTree, type JSONPath, type Node } from 'jsonc-parser';
import type { TaskDefinition } from '@aws-sdk/client-ecs';
import { applyJsonEdits, detectFormatting, jsonNodeAt, type JsonEdit } from './json-edit.js';
import { materialise, orderOps, parsePath } from './plan.js';
import { DESCRIBE_ONLY_FIELDS, SUPPRESSION_KEY } from './register.js';
import { resourceRef, type AppliedFix, type PatchContext, type PatchOutcome, type PatchTarget, type RefusedFix } from './types.js';

interface Item {
  /** Path of the item in the document ([] or [i]). */
  prefix: JSONPath;
  /** Path of the task definition object. */
  tdPath: JSONPath;
  wrapper: boolean;
  line: number;
  column: number;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

function position(starts: number[], offset: number): { line: number; column: number } {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - starts[lo] + 1 };
}

function property(node: Node, key: string): Node | undefined {
  return node.children?.find((p) => p.children?.[0]?.value === key)?.children?.[1];
}

function itemsOf(text: string): Item[] {
  const root = parseTree(text);
  if (!root) return [];
  const starts = lineStarts(text);
  const nodes: { node: Node; prefix: JSONPath }[] = root.type === 'array' ? (root.children ?? []).map((n, i) => ({ node: n, prefix: [i] })) : [{ node: root, prefix: [] }];
  const out: Item[] = [];
  for (const { node, prefix } of nodes) {
    if (node.type !== 'object') continue;
    const inner = property(node, 'taskDefinition');
    const wrapper = inner?.type === 'object';
    const td = wrapper ? inner! : node;
    // Sources locate a property at its key (the taskDefinition key of a describe output), an item at its value.
    const at = wrapper && td.parent?.type === 'property' ? td.parent.offset : td.offset;
    out.push({ prefix, tdPath: wrapper ? [...prefix, 'taskDefinition'] : prefix, wrapper, ...position(starts, at) });
  }
  return out;
}

/** The region in a task definition ARN, if any. */
function arnRegion(td: TaskDefinition): string | undefined {
  const arn: unknown = td.taskDefinitionArn;
  return typeof arn === 'string' ? arn.split(':')[3] || undefined : undefined;
}

/** Removes one indentation unit from every line after the first. */
function dedent(block: string, unit: string): string {
  return block.split('\n').map((l, i) => (i > 0 && l.startsWith(unit) ? l.slice(unit.length) : l)).join('\n');
}

/** Patches one task definition JSON file; see the module comment. */
export function patchTaskDefinitionJson(file: string, text: string, targets: readonly PatchTarget[], context: PatchContext): PatchOutcome {
  const outcome: PatchOutcome = { text, applied: [], refused: [], guidance: [] };
  const items = itemsOf(text);
  const formatting = detectFormatting(text);
  const unit = formatting.insertSpaces ? ' '.repeat(formatting.tabSize ?? 2) : '\t';
  let out = text;
  // Later items first, so replacing one item's text never moves the ones still to do.
  const ordered = targets
    .map((t) => {
      const loc = t.resource.locate(null);
      return { t, item: items.find((i) => loc && i.line === loc.line && i.column === loc.column) };
    })
    .sort((a, b) => Number(b.item?.prefix[0] ?? 0) - Number(a.item?.prefix[0] ?? 0));
  for (const { t, item } of ordered) {
    const ref = resourceRef(t.resource);
    if (!item) {
      for (const f of t.plan.fixes) outcome.refused.push({ resource: ref, control: f.control, path: null, reason: `${file}: the task definition could not be found again in the file` });
      continue;
    }
    outcome.refused.push(...t.plan.refused.map((r): RefusedFix => ({ ...r, resource: ref })));
    if (t.plan.fixes.length === 0) continue;
    const td = t.resource.properties as TaskDefinition;
    const region = context.region ?? arnRegion(td);
    const edits: JsonEdit[] = [];
    const droppedTags: string[] = [];
    const ops = orderOps(t.plan.fixes.flatMap((f) => f.ops));
    for (const o of ops) {
      const path = [...item.tdPath, ...parsePath(o.path)];
      edits.push(o.op === 'delete' ? { op: 'delete', path } : { op: o.op, path, value: materialise(o.value, region ?? 'REPLACE_WITH_REGION') });
    }
    const ownTags = jsonNodeAt(out, [...item.tdPath, 'tags']);
    const ownReserved: number[] = [];
    (ownTags?.children ?? []).forEach((n, i) => {
      const key = jsonNodeAt(out.slice(n.offset, n.offset + n.length), ['key'])?.value;
      if (typeof key === 'string' && key.toLowerCase().startsWith('aws:')) {
        ownReserved.push(i);
        droppedTags.push(key);
      }
    });
    // Highest index first, so each delete leaves the others' indexes valid; all of them: drop the key.
    if (ownReserved.length && ownReserved.length === ownTags?.children?.length) edits.push({ op: 'delete', path: [...item.tdPath, 'tags'] });
    else for (const i of ownReserved.reverse()) edits.push({ op: 'delete', path: [...item.tdPath, 'tags', i] });
    for (const key of [...DESCRIBE_ONLY_FIELDS, SUPPRESSION_KEY]) {
      if (jsonNodeAt(out, [...item.tdPath, key])) edits.push({ op: 'delete', path: [...item.tdPath, key] });
    }
    if (item.wrapper && jsonNodeAt(out, [...item.prefix, SUPPRESSION_KEY])) edits.push({ op: 'delete', path: [...item.prefix, SUPPRESSION_KEY] });
    out = applyJsonEdits(out, edits, formatting);
    if (item.wrapper) {
      // Unwrap: the taskDefinition object (shifted one level left) with the wrapper's tags beside its fields.
      const tdNode = jsonNodeAt(out, item.tdPath)!;
      let body = dedent(out.slice(tdNode.offset, tdNode.offset + tdNode.length), unit);
      const tagsNode = jsonNodeAt(out, [...item.prefix, 'tags']);
      if (tagsNode && tagsNode.type === 'array') {
        // The tags' own text, at the same depth once unwrapped, without the aws: tags ECS rejects.
        let tags = out.slice(tagsNode.offset, tagsNode.offset + tagsNode.length);
        const reserved = (tagsNode.children ?? []).map((n, i) => ({ i, key: jsonNodeAt(out.slice(n.offset, n.offset + n.length), ['key'])?.value })).filter((t) => typeof t.key === 'string' && t.key.toLowerCase().startsWith('aws:'));
        tags = applyJsonEdits(tags, reserved.reverse().map((t): JsonEdit => ({ op: 'delete', path: [t.i] })), formatting);
        if (reserved.length) droppedTags.push(...reserved.map((t) => String(t.key)));
        if (reserved.length < (tagsNode.children?.length ?? 0)) {
          const close = body.lastIndexOf('}');
          const lastNonSpace = body.slice(0, close).trimEnd().length;
          body = body.slice(0, lastNonSpace) + `,${formatting.eol ?? '\n'}${unit}"tags": ${tags}` + body.slice(lastNonSpace);
        }
      }
      const itemNode = jsonNodeAt(out, item.prefix)!;
      if (item.prefix.length === 0) out = out.slice(0, itemNode.offset) + body + out.slice(itemNode.offset + itemNode.length);
      else {
        const indent = /[ \t]*$/.exec(out.slice(0, itemNode.offset))![0];
        const reindented = body.split('\n').map((l, i) => (i > 0 && l ? indent + l : l)).join('\n');
        out = out.slice(0, itemNode.offset) + reindented + out.slice(itemNode.offset + itemNode.length);
      }
    }
    if (droppedTags.length) outcome.guidance.push(`${t.resource.id}: removed the tags ${droppedTags.join(', ')}: keys starting with aws: are reserved and RegisterTaskDefinition rejects them`);
    for (const f of t.plan.fixes) {
      const todo = [...f.todo];
      if (f.control === 'ECS.9' && !region) todo.unshift('Replace REPLACE_WITH_REGION in awslogs-region with the region the task runs in.');
      outcome.applied.push({ ...f, todo, resource: ref });
    }
  }
  outcome.text = out;
  if (outcome.applied.length) {
    outcome.guidance.push(`Register the hardened revision: aws ecs register-task-definition --cli-input-json file://${file}${items.length > 1 || items[0]?.prefix.length ? ' (one task definition per call: the file holds a list)' : ''}`);
  }
  return outcome;
}
