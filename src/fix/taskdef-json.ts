/**
 * The patcher of task definition JSON files: applies the planned fixes in place with minimal
 * edits, and makes each fixed task definition valid `register-task-definition --cli-input-json`
 * input: the describe-only fields (taskDefinitionArn, revision, status, requiresAttributes,
 * compatibilities, registeredAt, registeredBy, deregisteredAt, deleteRequestedAt: DESCRIBE_ONLY_FIELDS)
 * and the `ecsguard` suppression key
 * are removed, and a `describe-task-definition` output (`{ "taskDefinition": {...}, "tags": [...] }`)
 * is unwrapped, its tags moved beside the other fields (replacing any inside it), its lines
 * shifted one level left (kept on one line in a minified file). A key written twice on the way to
 * an edit is refused (JSON.parse reads the last one); describe outputs of services, clusters, task
 * sets and capacity providers record deployed resources and are refused with what to do instead.
 * Source: RegisterTaskDefinition in the Amazon ECS API Reference.
 */
import { parseTree, type JSONPath, type Node } from 'jsonc-parser';
import { LineIndex } from '../sources/text.js';
import type { TaskDefinition } from '@aws-sdk/client-ecs';
import { applyJsonEdits, deleteEvery, detectFormatting, duplicateOnPath, jsonNodeAt, JsonEditRefused, lineIndent, type JsonEdit } from './json-edit.js';
import { materialise, orderOps, parsePath, type ControlFix } from './plan.js';
import { DESCRIBE_ONLY_FIELDS, SUPPRESSION_KEY } from './register.js';
import { resourceRef, type AppliedFix, type PatchContext, type PatchOutcome, type PatchTarget } from './types.js';

interface Item {
  /** Path of the item in the document ([] or [i]). */
  prefix: JSONPath;
  /** Path of the task definition object. */
  tdPath: JSONPath;
  wrapper: boolean;
  line: number;
  column: number;
}

function property(node: Node, key: string): Node | undefined {
  return node.children?.find((p) => p.children?.[0]?.value === key)?.children?.[1];
}

function itemsOf(text: string): Item[] {
  const root = parseTree(text);
  if (!root) return [];
  // Positions as the source counts them (a lone CR ends a line too), so items are found again by the location the scan gave.
  const lines = new LineIndex(text);
  const nodes: { node: Node; prefix: JSONPath }[] = root.type === 'array' ? (root.children ?? []).map((n, i) => ({ node: n, prefix: [i] })) : [{ node: root, prefix: [] }];
  const out: Item[] = [];
  for (const { node, prefix } of nodes) {
    if (node.type !== 'object') continue;
    const inner = property(node, 'taskDefinition');
    const wrapper = inner?.type === 'object';
    const td = wrapper ? inner! : node;
    // Sources locate a property at its key (the taskDefinition key of a describe output), an item at its value.
    const at = wrapper && td.parent?.type === 'property' ? td.parent.offset : td.offset;
    out.push({ prefix, tdPath: wrapper ? [...prefix, 'taskDefinition'] : prefix, wrapper, ...lines.position(at) });
  }
  return out;
}

/** The region in a task definition ARN, if any. */
function arnRegion(td: TaskDefinition): string | undefined {
  const arn: unknown = td.taskDefinitionArn;
  return typeof arn === 'string' ? arn.split(':')[3] || undefined : undefined;
}

/**
 * The region the task already logs to: the `awslogs-region` every awslogs container of the task
 * definition names, when they all name the same one (a task's containers run in one region).
 */
function logRegion(td: TaskDefinition): string | undefined {
  const regions = new Set<string>();
  for (const c of Array.isArray(td.containerDefinitions) ? td.containerDefinitions : []) {
    const r: unknown = (c?.logConfiguration?.options as Record<string, unknown> | undefined)?.['awslogs-region'];
    if (typeof r === 'string' && /^[a-z]{2}(-[a-z]+)+-\d$/.test(r)) regions.add(r);
  }
  return regions.size === 1 ? [...regions][0] : undefined;
}

/** Removes one indentation unit from every line after the first. */
function dedent(block: string, unit: string): string {
  return block.replace(/(\r\n|\r|\n)([ \t]*)/g, (m, eol: string, ws: string) => (ws.startsWith(unit) ? eol + ws.slice(unit.length) : m));
}

/** What each describe output other than a task definition's records, for refusals. */
const NOT_A_TASK_DEFINITION: Record<string, string> = {
  'AWS::ECS::Service': 'describe-services output',
  'AWS::ECS::Cluster': 'describe-clusters output',
  'AWS::ECS::TaskSet': 'describe-task-sets output',
  'AWS::ECS::CapacityProvider': 'describe-capacity-providers output',
};

/** The separators of a one-line JSON text: after a colon and after a comma. */
function inlineSeparators(body: string): { colon: string; comma: string } {
  return { colon: /"(\s*:\s*)/.exec(body)?.[1] ?? ':', comma: /(,\s*)"/.exec(body)?.[1] ?? ',' };
}

/** Patches one task definition JSON file; see the module comment. */
export function patchTaskDefinitionJson(file: string, text: string, targets: readonly PatchTarget[], context: PatchContext): PatchOutcome {
  const outcome: PatchOutcome = { text, applied: [], refused: [], guidance: [] };
  const items = itemsOf(text);
  const formatting = detectFormatting(text);
  const unit = formatting.insertSpaces ? ' '.repeat(formatting.tabSize ?? 2) : '\t';
  const eol = formatting.eol ?? '\n';
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
    const refuse = (fixes: readonly ControlFix[], reason: string) => {
      for (const f of fixes) outcome.refused.push({ resource: ref, control: f.control, path: f.ops[0]?.path ?? null, reason: `${file}: ${reason}` });
    };
    const kind = NOT_A_TASK_DEFINITION[t.resource.type];
    if (kind) {
      refuse(t.plan.fixes, `${kind} records a deployed resource, not a definition: fix the template or code that deploys it, or use \`ecsguard fix --aws\``);
      continue;
    }
    if (!item) {
      refuse(t.plan.fixes, 'the task definition could not be found again in the file');
      continue;
    }
    if (t.plan.fixes.length === 0) continue;
    // A key written twice on the way to an edit: JSON.parse (and so the scan) reads the last, the editor would change the first.
    const root = parseTree(out);
    const itemDup = [item.tdPath, [...item.tdPath, 'tags'], ...(item.wrapper ? [[...item.prefix, 'tags']] : [])].map((p) => duplicateOnPath(root, p)).find(Boolean);
    if (itemDup) {
      refuse(t.plan.fixes, itemDup);
      continue;
    }
    const fixes: ControlFix[] = [];
    for (const f of t.plan.fixes) {
      const dup = f.ops.map((o) => duplicateOnPath(root, [...item.tdPath, ...parsePath(o.path)])).find(Boolean);
      if (dup) refuse([f], dup);
      else fixes.push(f);
    }
    if (fixes.length === 0) continue;
    const td = t.resource.properties as TaskDefinition;
    const region = context.region ?? arnRegion(td) ?? logRegion(td);
    const edits: JsonEdit[] = [];
    const droppedTags: string[] = [];
    for (const o of orderOps(fixes.flatMap((f) => f.ops))) {
      const path = [...item.tdPath, ...parsePath(o.path)];
      edits.push(o.op === 'delete' ? { op: 'delete', path } : { op: o.op, path, value: materialise(o.value, region ?? 'REPLACE_WITH_REGION') });
    }
    let next: string;
    try {
      next = applyJsonEdits(out, edits, formatting);
      const ownTags = jsonNodeAt(next, [...item.tdPath, 'tags']);
      const ownReserved: number[] = [];
      if (ownTags?.type === 'array') {
        (ownTags.children ?? []).forEach((n, i) => {
          const key = jsonNodeAt(next.slice(n.offset, n.offset + n.length), ['key'])?.value;
          if (typeof key === 'string' && key.toLowerCase().startsWith('aws:')) {
            ownReserved.push(i);
            droppedTags.push(key);
          }
        });
      }
      // Highest index first, so each delete leaves the others' indexes valid; all of them: drop the key.
      const tagEdits: JsonEdit[] = ownReserved.length && ownReserved.length === ownTags?.children?.length
        ? [{ op: 'delete', path: [...item.tdPath, 'tags'] }]
        : ownReserved.reverse().map((i): JsonEdit => ({ op: 'delete', path: [...item.tdPath, 'tags', i] }));
      next = applyJsonEdits(next, tagEdits, formatting);
      // Every copy of a describe-only field goes, or RegisterTaskDefinition rejects the input.
      for (const key of [...DESCRIBE_ONLY_FIELDS, SUPPRESSION_KEY]) next = deleteEvery(next, [...item.tdPath, key]);
      if (item.wrapper) next = unwrap(next, item, unit, eol, formatting, droppedTags);
    } catch (e) {
      if (!(e instanceof JsonEditRefused)) throw e;
      refuse(fixes, e.message);
      continue;
    }
    out = next;
    if (t.resource.suppressions?.length) outcome.guidance.push(`${t.resource.id}: removed the ecsguard key (its suppressions) from ${file}, since RegisterTaskDefinition rejects unknown keys: keep those suppressions in .ecsguard.yml (suppressions: with resources: ${JSON.stringify(t.resource.name.replace(/:\d+$/, ''))}) so they still apply`);
    if (droppedTags.length) outcome.guidance.push(`${t.resource.id}: removed the tags ${droppedTags.join(', ')}: keys starting with aws: are reserved and RegisterTaskDefinition rejects them`);
    for (const f of fixes) {
      const todo = [...f.todo];
      if (f.control === 'ECS.9' && !region) todo.unshift('Replace REPLACE_WITH_REGION in awslogs-region with the region the task runs in.');
      outcome.applied.push({ ...f, todo, resource: ref });
    }
  }
  outcome.text = out;
  if (outcome.applied.length) {
    outcome.guidance.push(items.length > 1 || items[0]?.prefix.length
      ? `Register the hardened revisions, one per call (the file holds a list): jq -c '.[]' ${file} | while read -r td; do aws ecs register-task-definition --cli-input-json "$td"; done`
      : `Register the hardened revision: aws ecs register-task-definition --cli-input-json file://${file}`);
  }
  return outcome;
}

/**
 * Replaces a describe-task-definition output by its task definition, shifted one level left, with
 * the output's tags (less the reserved aws: ones, added to `droppedTags`) beside its fields.
 */
function unwrap(original: string, item: Item, unit: string, eol: string, formatting: ReturnType<typeof detectFormatting>, droppedTags: string[]): string {
  // The scan judged the output's tags (beside taskDefinition), not any inside it: those go.
  const text = jsonNodeAt(original, [...item.prefix, 'tags']) ? deleteEvery(original, [...item.tdPath, 'tags']) : original;
  const tdNode = jsonNodeAt(text, item.tdPath)!;
  const itemNode = jsonNodeAt(text, item.prefix)!;
  let body = text.slice(tdNode.offset, tdNode.offset + tdNode.length);
  const multiline = /[\r\n]/.test(body);
  if (multiline) body = dedent(body, unit);
  const tagsNode = jsonNodeAt(text, [...item.prefix, 'tags']);
  if (tagsNode && tagsNode.type === 'array') {
    // The tags' own text, at the same depth once unwrapped, without the aws: tags ECS rejects.
    let tags = text.slice(tagsNode.offset, tagsNode.offset + tagsNode.length);
    const reserved = (tagsNode.children ?? []).map((n, i) => ({ i, key: jsonNodeAt(text.slice(n.offset, n.offset + n.length), ['key'])?.value })).filter((t) => typeof t.key === 'string' && t.key.toLowerCase().startsWith('aws:'));
    tags = applyJsonEdits(tags, reserved.reverse().map((t): JsonEdit => ({ op: 'delete', path: [t.i] })), formatting);
    if (reserved.length) droppedTags.push(...reserved.map((t) => String(t.key)));
    if (reserved.length < (tagsNode.children?.length ?? 0)) {
      const close = body.lastIndexOf('}');
      const lastNonSpace = body.slice(0, close).trimEnd().length;
      const empty = body.slice(body.indexOf('{') + 1, close).trim() === '';
      let member: string;
      if (multiline) member = `${empty ? '' : ','}${eol}${lineIndent(text, itemNode.offset)}${unit}"tags": ${tags}`;
      else {
        const s = inlineSeparators(body);
        member = `${empty ? '' : s.comma}"tags"${s.colon}${tags}`;
      }
      body = body.slice(0, lastNonSpace) + member + body.slice(lastNonSpace);
    }
  }
  return text.slice(0, itemNode.offset) + body + text.slice(itemNode.offset + itemNode.length);
}
