/**
 * The task definition JSON source: `aws ecs describe-task-definition` output
 * (`{ "taskDefinition": {...}, "tags": [...] }`), a bare task definition, `register-task-definition
 * --cli-input-json` input (tags inside), or a JSON array of any of these. The shape is found by
 * content (../shared/spec/cli-and-output.md, "Format detection").
 */
import type { TaskDefinition } from '@aws-sdk/client-ecs';
import { unresolved, type InlineSuppression, type InputError, type Resource, type ResourceContext } from '../../model/index.js';
import { JsonLocator, parsePath, type Segment } from '../json-tree.js';
import { checkTypes } from './validate.js';
import { readSuppressionObject, type SuppressionTree } from '../inline-suppressions.js';

/** Which task definition shape a JSON value is, if any. */
export type TaskDefinitionShape = 'describe-output' | 'task-definition' | null;

/** Detects the shape of one JSON value by its keys. */
export function taskDefinitionShape(value: unknown): TaskDefinitionShape {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const v = value as Record<string, unknown>;
  if ('taskDefinition' in v && typeof v.taskDefinition === 'object' && v.taskDefinition !== null) return 'describe-output';
  if ('containerDefinitions' in v) return 'task-definition';
  return null;
}

/** True when a parsed JSON document (object or array) holds at least one task definition shape. */
export function looksLikeTaskDefinitionJson(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0 && value.some((v) => taskDefinitionShape(v) !== null);
  return taskDefinitionShape(value) !== null;
}

/** What one file gave: the resources read and the errors met. */
export interface SourceResult {
  resources: Resource[];
  errors: InputError[];
}

/**
 * Reads the task definitions of one parsed JSON document. `text` is the file's text (for the
 * source map), `file` the name to report, `value` the result of `JSON.parse(text)`.
 * Never throws on bad content: problems become `errors`, unknown fields `Unresolved` markers.
 */
export function readTaskDefinitionJson(file: string, text: string, value: unknown): SourceResult {
  const locator = new JsonLocator(text, file);
  const resources: Resource[] = [];
  const errors: InputError[] = [];
  for (const d of locator.duplicateKeys()) {
    errors.push({ file, line: d.line, column: d.column, message: `duplicate key '${d.key}' in one object: the last one is used (the AWS CLI would do the same); remove the other` });
  }
  const items: { value: unknown; prefix: Segment[] }[] = Array.isArray(value)
    ? value.map((v, i) => ({ value: v, prefix: [i] }))
    : [{ value, prefix: [] }];
  for (const item of items) {
    const shape = taskDefinitionShape(item.value);
    if (shape === null) {
      const loc = locator.locate(item.prefix);
      errors.push({ file, line: loc.line, column: loc.column, message: `${item.prefix.length ? `item ${item.prefix[0]}` : 'the document'} is not a task definition: it has neither containerDefinitions nor a taskDefinition object` });
      continue;
    }
    const wrapper = item.value as Record<string, unknown>;
    const td = (shape === 'describe-output' ? wrapper.taskDefinition : wrapper) as Record<string, unknown>;
    const tdPrefix = shape === 'describe-output' ? [...item.prefix, 'taskDefinition'] : item.prefix;
    // describe output keeps tags beside taskDefinition; the model keeps them in properties.tags.
    const tagsPrefix = shape === 'describe-output' ? [...item.prefix, 'tags'] : [...tdPrefix, 'tags'];
    // ecsguard's own key (`"ecsguard": { "suppress": [...] }`), beside the task definition's fields
    // or the describe output's `taskDefinition`: read, then removed, as it is no ECS API field.
    const suppressions: InlineSuppression[] = [];
    for (const [holder, prefix] of shape === 'describe-output' ? [[wrapper, item.prefix], [td, tdPrefix]] as const : [[td, tdPrefix]] as const) {
      for (const k of Object.keys(holder)) {
        if (k !== 'ecsguard' && k.toLowerCase() === 'ecsguard') {
          const loc = locator.locate([...prefix, k]);
          errors.push({ file, line: loc.line, column: loc.column, message: `'${k}' looks like ecsguard's suppression key, which is spelled 'ecsguard' (lower case); it is not read` });
        }
      }
      if (!Object.prototype.hasOwnProperty.call(holder, 'ecsguard')) continue;
      suppressions.push(...readSuppressionObject(jsonTree(holder.ecsguard, [...prefix, 'ecsguard'], locator), 'ecsguard', errors));
      delete holder.ecsguard;
    }
    const context: ResourceContext = {};
    if (shape === 'describe-output') {
      if (wrapper.tags === undefined) context.tagsKnown = unresolved('describe-task-definition output without tags: run it with --include TAGS');
      else td.tags = wrapper.tags;
    } else if (td.tags === undefined && typeof td.taskDefinitionArn === 'string') {
      context.tagsKnown = unresolved('a task definition from describe-task-definition without its tags: keep the whole output and run it with --include TAGS');
    }
    const problems = checkTypes(td);
    for (const p of problems) {
      const loc = locator.locate(p.path[0] === 'tags' ? [...tagsPrefix, ...p.path.slice(1)] : [...tdPrefix, ...p.path]);
      errors.push({ file, line: loc.line, column: loc.column, message: p.message });
    }
    const family = typeof td.family === 'string' && td.family.trim() !== '' ? td.family : null;
    let revision = typeof td.revision === 'number' ? td.revision : null;
    if (revision !== null && !(Number.isSafeInteger(revision) && revision > 0)) {
      const loc = locator.locate([...tdPrefix, 'revision']);
      errors.push({ file, line: loc.line, column: loc.column, message: 'revision must be a positive whole number; the task definition is judged as if it had none' });
      revision = null;
      delete td.revision;
    }
    if (family === null) {
      const loc = locator.locate(tdPrefix);
      errors.push({ file, line: loc.line, column: loc.column, message: 'task definition has no family; it is reported under the file name' });
    }
    const base = family ?? `${file}${item.prefix.length ? `[${item.prefix[0]}]` : ''}`;
    const id = revision !== null ? `${base}:${revision}` : base;
    resources.push({
      type: 'AWS::ECS::TaskDefinition',
      id,
      name: id,
      properties: td as TaskDefinition,
      origin: { kind: 'file', file, format: 'taskdef-json' },
      context,
      ...(suppressions.length ? { suppressions } : {}),
      locate(path) {
        if (path === null) return locator.locate(tdPrefix);
        const segs = parsePath(path);
        return locator.locate(segs[0] === 'tags' ? [...tagsPrefix, ...segs.slice(1)] : [...tdPrefix, ...segs]);
      },
    });
  }
  return { resources, errors };
}

/** A parsed JSON value as the tree {@link readSuppressionObject} reads, each node located at its path. */
function jsonTree(value: unknown, path: Segment[], locator: JsonLocator): SuppressionTree {
  const loc = locator.locate(path);
  if (Array.isArray(value)) return { kind: 'seq', loc, items: value.map((v, i) => jsonTree(v, [...path, i], locator)) };
  if (typeof value === 'object' && value !== null) {
    return { kind: 'map', loc, entries: Object.entries(value).map(([k, v]) => ({ key: k, loc: locator.locate([...path, k]), value: jsonTree(v, [...path, k], locator) })) };
  }
  return { kind: 'scalar', loc, value };
}
