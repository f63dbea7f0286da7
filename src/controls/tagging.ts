/**
 * The tagging rule shared by ECS.13 (services), ECS.14 (clusters) and ECS.15 (task definitions),
 * after the AWS Config managed rules `tagged-ecs-service`, `tagged-ecs-cluster` and
 * `tagged-ecs-taskdefinition` (parameter `requiredTagKeys`, up to 6 case-sensitive keys).
 */
import { isUnresolved, type Evaluation, type Resource } from '../model/index.js';
import { isSystemTagKey } from '../model/task-definition.js';
import type { ControlParams, ParameterSpec } from './types.js';

/** The `requiredTagKeys` parameter: no default; at most 6 keys, none starting with `aws:`. */
export const REQUIRED_TAG_KEYS: ParameterSpec = {
  type: 'string[]',
  default: undefined,
  description: 'Tag keys the resource must have (case-sensitive, at most 6, none starting with aws:). Without it, any non-system tag passes.',
  validate(value) {
    if (!Array.isArray(value)) return 'requiredTagKeys must be a list of tag keys';
    if (value.length > 6) return `requiredTagKeys takes at most 6 keys, got ${value.length}`;
    for (const k of value) {
      if (typeof k !== 'string' || k.trim() === '') return 'requiredTagKeys must not hold empty keys';
      if (isSystemTagKey(k)) return `requiredTagKeys must not hold system keys (starting with aws:): ${k}`;
      if (k.length > 128) return `tag key longer than 128 characters: ${k.slice(0, 20)}...`;
    }
    return null;
  },
};

/** Messages of the tagging controls. */
export const TAGGING_MESSAGES = {
  noTags: 'the {kind} has no tags other than system (aws:) tags; add at least one tag',
  missingTags: 'the {kind} lacks the required tag keys: {missing}',
  tagged: 'the {kind} has {count} non-system tag(s)',
  hasRequired: 'the {kind} has every required tag key ({keys})',
  tagsUnknown: 'the tags are unknown: {reason}',
} as const;

/** Judges the tags of `resource` (in `properties.tags`, ECS API spelling `[{ key, value }]`). */
export function judgeTags(resource: Resource, params: ControlParams, kind: string): Evaluation[] {
  const known = resource.context?.tagsKnown;
  if (isUnresolved(known)) return [{ status: 'NOT_AVAILABLE', messageId: 'tagsUnknown', data: { reason: known.unresolved }, path: 'tags' }];
  const tags: unknown = (resource.properties as { tags?: unknown }).tags;
  if (isUnresolved(tags)) return [{ status: 'NOT_AVAILABLE', messageId: 'tagsUnknown', data: { reason: tags.unresolved }, path: 'tags' }];
  const keys: string[] = [];
  let unknownKey: string | null = null;
  if (Array.isArray(tags)) {
    for (const t of tags) {
      const key: unknown = t && typeof t === 'object' && !isUnresolved(t) ? (t as { key?: unknown }).key : t;
      if (isUnresolved(key)) unknownKey ??= key.unresolved;
      else if (typeof key === 'string' && !isSystemTagKey(key)) keys.push(key);
    }
  }
  const required = params.requiredTagKeys as string[] | undefined;
  if (required && required.length > 0) {
    const have = new Set(keys);
    const missing = required.filter((k) => !have.has(k));
    if (missing.length === 0) return [{ status: 'PASSED', messageId: 'hasRequired', data: { kind, keys: required.join(', ') }, path: 'tags' }];
    if (unknownKey !== null) return [{ status: 'NOT_AVAILABLE', messageId: 'tagsUnknown', data: { reason: unknownKey }, path: 'tags' }];
    return [{ status: 'FAILED', messageId: 'missingTags', data: { kind, missing: missing.join(', ') }, path: 'tags' }];
  }
  if (keys.length > 0) return [{ status: 'PASSED', messageId: 'tagged', data: { kind, count: keys.length }, path: 'tags' }];
  if (unknownKey !== null) return [{ status: 'NOT_AVAILABLE', messageId: 'tagsUnknown', data: { reason: unknownKey }, path: 'tags' }];
  return [{ status: 'FAILED', messageId: 'noTags', data: { kind }, path: 'tags' }];
}
