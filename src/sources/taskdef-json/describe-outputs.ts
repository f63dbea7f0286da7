/**
 * AWS CLI describe outputs for the other ECS resources: `aws ecs describe-services`,
 * `describe-clusters`, `describe-task-sets` and `describe-capacity-providers` (`{ "services": [...] }`
 * and so on). Each object becomes a resource identified by its ARN. What the CLI leaves out
 * unless asked (`--include TAGS`, `--include SETTINGS`) is unknown, never taken as absent.
 */
import { unresolved, type InputError, type Resource, type ResourceContext, type ResourceType } from '../../model/index.js';
import { JsonLocator, parsePath, type Segment } from '../json-tree.js';
import { checkTypes, CAPACITY_PROVIDER_SCHEMA, CLUSTER_SCHEMA, SERVICE_SCHEMA, TASK_SET_SCHEMA, type Schema } from './validate.js';

interface Kind {
  key: string;
  type: ResourceType;
  schema: Schema;
  arn: string;
  name: string;
  command: string;
}

const KINDS: Kind[] = [
  { key: 'services', type: 'AWS::ECS::Service', schema: SERVICE_SCHEMA, arn: 'serviceArn', name: 'serviceName', command: 'describe-services' },
  { key: 'clusters', type: 'AWS::ECS::Cluster', schema: CLUSTER_SCHEMA, arn: 'clusterArn', name: 'clusterName', command: 'describe-clusters' },
  { key: 'taskSets', type: 'AWS::ECS::TaskSet', schema: TASK_SET_SCHEMA, arn: 'taskSetArn', name: 'id', command: 'describe-task-sets' },
  { key: 'capacityProviders', type: 'AWS::ECS::CapacityProvider', schema: CAPACITY_PROVIDER_SCHEMA, arn: 'capacityProviderArn', name: 'name', command: 'describe-capacity-providers' },
];

/** The describe output kind of a parsed JSON value, or null. */
function kindOf(value: unknown): Kind | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const v = value as Record<string, unknown>;
  for (const k of KINDS) {
    if (Array.isArray(v[k.key]) && (v[k.key] as unknown[]).every((x) => typeof x === 'object' && x !== null && (k.arn in (x as object) || k.name in (x as object)))) return k;
  }
  return null;
}

/** True when the JSON value is one of these describe outputs. */
export function looksLikeDescribeOutput(value: unknown): boolean {
  return kindOf(value) !== null;
}

/** Reads the resources of a describe output; never throws on bad content. */
export function readDescribeOutput(file: string, text: string, value: unknown): { resources: Resource[]; errors: InputError[] } {
  const kind = kindOf(value);
  const resources: Resource[] = [];
  const errors: InputError[] = [];
  if (!kind) return { resources, errors };
  const locator = new JsonLocator(text, file);
  const items = (value as Record<string, unknown[]>)[kind.key];
  items.forEach((item, i) => {
    const props = item as Record<string, unknown>;
    const prefix: Segment[] = [kind.key, i];
    for (const p of checkTypes(props, kind.schema)) {
      const loc = locator.locate([...prefix, ...p.path]);
      errors.push({ file, line: loc.line, column: loc.column, message: p.message });
    }
    const context: ResourceContext = {};
    if (props.tags === undefined) context.tagsKnown = unresolved(`${kind.command} output without tags: run it with --include TAGS`);
    if (kind.type === 'AWS::ECS::Cluster' && props.settings === undefined) {
      props.settings = unresolved('describe-clusters output without settings: run it with --include SETTINGS');
    }
    const arn = typeof props[kind.arn] === 'string' ? (props[kind.arn] as string) : null;
    const name = typeof props[kind.name] === 'string' ? (props[kind.name] as string) : `${kind.key}[${i}]`;
    resources.push({
      type: kind.type,
      id: arn ?? name,
      name,
      properties: props as Resource['properties'],
      origin: { kind: 'file', file, format: 'taskdef-json' },
      context,
      locate: (path) => locator.locate(path === null ? prefix : [...prefix, ...parsePath(path)]),
    });
  });
  return { resources, errors };
}
