/**
 * AWS Config configuration items for ECS resources, in every shape Config hands them out:
 *
 * - `aws configservice get-resource-config-history`: `{ "configurationItems": [...] }`, each item
 *   with `accountId`, `arn`, `tags` (a map) and `configuration` as a JSON string;
 * - `aws configservice batch-get-resource-config`: `{ "baseConfigurationItems": [...] }`, the same
 *   but without `tags` (BaseConfigurationItem has no tags field), `configuration` a JSON string;
 * - `aws configservice select-resource-config` / `select-aggregate-resource-config`:
 *   `{ "Results": ["<json>", ...], "QueryInfo": ... }`, each result a JSON string holding the
 *   selected fields (with `SELECT *`, a whole item whose `configuration` is an object);
 * - configuration snapshot and history files as Config delivers them to S3:
 *   `{ "fileVersion": ..., "configurationItems": [...] }`, items spelled as in invoking events
 *   (`awsAccountId`, `ARN`, `configurationItemStatus`), `configuration` an object;
 * - an invoking event's `{ "configurationItem": {...} }`.
 *
 * Config records ECS resources (AWS::ECS::TaskDefinition, Service, Cluster, TaskSet,
 * CapacityProvider) in the CloudFormation resource schema's shape: PascalCase properties such as
 * `ContainerDefinitions[].User` and `ClusterSettings`. They are turned into the ECS API's camelCase
 * with the CloudFormation source's own names ({@link apiName}), plus the few properties whose
 * CloudFormation name is a reference rather than the API's ARN field (`Cluster` → `clusterArn`).
 *
 * Sources for these shapes: the BaseConfigurationItem and ConfigurationItem API types (the SDKs
 * document `configuration` as "a JSON-encoded string", and BaseConfigurationItem has no `tags`);
 * the AWS Config developer guide's examples of history output, snapshot files and the oversized
 * notification; Cloud Custodian's Config source for ECS (c7n/resources/ecs.py, which lower-cases
 * the first letter of every key and maps `Role`/`Cluster` of services to `roleArn`/`clusterArn`,
 * and whose test of a Config task definition reads `ContainerDefinitions`, `TaskDefinitionArn` and
 * `Tags: [{ Key, Value }]`). The TaskSet and CapacityProvider shapes are taken from their
 * CloudFormation schemas by the same rule; no recorded item of those types was found to confirm them.
 *
 * Not confirmed from a recorded item: whether a deregistered (INACTIVE) task definition stays in
 * Config as a `ResourceDiscovered`/`OK` item or is recorded as deleted. The CloudFormation schema
 * has no `Status`; when the configuration has one, it is kept and the engine judges only ACTIVE
 * revisions; without one the revision is taken as ACTIVE (a note says so).
 */
import { unresolved, type InputError, type Resource, type ResourceContext, type ResourceType } from '../../model/index.js';
import { apiName } from '../cloudformation/normalise.js';
import { JsonLocator, type Segment } from '../json-tree.js';

const ECS_TYPES: ReadonlySet<string> = new Set<ResourceType>([
  'AWS::ECS::TaskDefinition',
  'AWS::ECS::Service',
  'AWS::ECS::Cluster',
  'AWS::ECS::TaskSet',
  'AWS::ECS::CapacityProvider',
]);

/** Statuses of an item that records a resource that no longer exists (or is no longer recorded): never judged. */
export const DELETED_STATUSES: ReadonlySet<string> = new Set(['ResourceDeleted', 'ResourceNotRecorded', 'ResourceDeletedNotRecorded']);

/** Properties whose keys are user data (log options, labels), kept as written; the same list as the CloudFormation normaliser's. */
const OPAQUE = new Set(['Options', 'DockerLabels', 'DriverOpts', 'Labels', 'SecretOptions']);

/** Where the items sit in a parsed value, and how to name each one in messages. */
interface Listing {
  key: string;
  items: unknown[];
  /** select-resource-config results are JSON strings. */
  strings: boolean;
}

function listingOf(value: unknown): Listing | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const v = value as Record<string, unknown>;
  const isItem = (x: unknown) => typeof x === 'object' && x !== null && !Array.isArray(x) && typeof (x as { resourceType?: unknown }).resourceType === 'string';
  for (const key of ['configurationItems', 'baseConfigurationItems']) {
    const items = v[key];
    if (Array.isArray(items) && items.every(isItem)) return { key, items, strings: false };
  }
  if (Array.isArray(v.Results) && v.Results.every((x) => typeof x === 'string') && ('QueryInfo' in v || v.Results.some((x) => (x as string).includes('"resourceType"')))) {
    return { key: 'Results', items: v.Results, strings: true };
  }
  if (isItem(v.configurationItem)) return { key: 'configurationItem', items: [v.configurationItem], strings: false };
  return null;
}

/** True when the JSON value is a Config output or delivery file holding configuration items. */
export function looksLikeConfigItems(value: unknown): boolean {
  return listingOf(value) !== null;
}

/**
 * Reads the ECS resources of Config configuration items (see the module comment for the shapes).
 * Items of other resource types, and deleted or no-longer-recorded items, are left out. An item
 * whose configuration cannot be parsed is reported and kept with unknown properties, so every
 * control that applies to it is NOT_AVAILABLE. Never throws on bad content.
 */
export function readConfigItems(file: string, text: string, value: unknown): { resources: Resource[]; errors: InputError[] } {
  const resources: Resource[] = [];
  const errors: InputError[] = [];
  const listing = listingOf(value);
  if (!listing) return { resources, errors };
  const locator = new JsonLocator(text, file);
  listing.items.forEach((raw, i) => {
    const at: Segment[] = listing.key === 'configurationItem' ? ['configurationItem'] : [listing.key, i];
    const where = () => locator.locate(at);
    let item: unknown = raw;
    if (listing.strings) {
      try {
        item = JSON.parse(raw as string);
      } catch {
        const loc = where();
        errors.push({ file, line: loc.line, column: loc.column, message: `${listing.key}[${i}] is not valid JSON` });
        return;
      }
    }
    const out = resourceFromConfigItem(item, file, `${listing.key}${listing.key === 'configurationItem' ? '' : `[${i}]`}`);
    if (out.error) {
      const loc = where();
      errors.push({ ...out.error, line: loc.line, column: loc.column });
    }
    if (out.resource) resources.push(out.resource);
  });
  return { resources, errors };
}

/** What one configuration item gives: the resource (null when not an ECS resource, or deleted) and an error. */
export interface ConfigItemReading {
  resource: Resource | null;
  error: InputError | null;
  /** Why no resource was made: `not-ecs`, `deleted`, or `invalid` (not an item at all). */
  skipped?: 'not-ecs' | 'deleted' | 'invalid';
}

/**
 * Turns one configuration item (any of Config's spellings: `arn`/`ARN`, `accountId`/`awsAccountId`)
 * into a resource; `label` names the item in messages. Used by the source and by the Config rule.
 */
export function resourceFromConfigItem(item: unknown, file: string, label: string): ConfigItemReading {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) {
    return { resource: null, error: { file, line: null, column: null, message: `${label} is not a configuration item` }, skipped: 'invalid' };
  }
  const ci = item as Record<string, unknown>;
  const type = ci.resourceType;
  if (typeof type !== 'string' || !ECS_TYPES.has(type)) return { resource: null, error: null, skipped: 'not-ecs' };
  const status = ci.configurationItemStatus;
  if (typeof status === 'string' && DELETED_STATUSES.has(status)) return { resource: null, error: null, skipped: 'deleted' };
  const arn = str(ci.arn) ?? str(ci.ARN);
  const resourceId = str(ci.resourceId);
  const id = arn ?? resourceId ?? label;
  const name = str(ci.resourceName) ?? nameFromArn(arn) ?? resourceId ?? label;
  const origin = { kind: 'aws' as const, account: str(ci.accountId) ?? str(ci.awsAccountId) ?? 'unknown', region: str(ci.awsRegion) ?? regionFromArn(arn) ?? 'unknown' };
  const base = { type: type as ResourceType, id, name, origin, locate: () => null };

  let configuration: unknown = ci.configuration;
  if (typeof configuration === 'string') {
    try {
      configuration = JSON.parse(configuration);
    } catch {
      const message = `${label} (${type} ${id}): its configuration is not valid JSON`;
      return { resource: { ...base, properties: unresolved(message) as unknown as Resource['properties'] }, error: { file, line: null, column: null, message } };
    }
  }
  if (configuration === undefined || configuration === null) {
    const why = `${label} has no configuration (a select-resource-config query must select configuration)`;
    return { resource: { ...base, properties: unresolved(why) as unknown as Resource['properties'] }, error: null };
  }
  if (typeof configuration !== 'object' || Array.isArray(configuration)) {
    const message = `${label} (${type} ${id}): its configuration is not an object`;
    return { resource: { ...base, properties: unresolved(message) as unknown as Resource['properties'] }, error: { file, line: null, column: null, message } };
  }

  const props = toApiShape(configuration) as Record<string, unknown>;
  const assumptions: string[] = [];
  finishProperties(type as ResourceType, props, arn, ci, assumptions);
  const context: ResourceContext = {};
  const tags = ci.tags;
  if (tags && typeof tags === 'object' && !Array.isArray(tags)) {
    props.tags = Object.entries(tags as Record<string, unknown>).map(([key, value]) => ({ key, value: String(value) }));
  } else if (!Array.isArray(props.tags)) {
    context.tagsKnown = unresolved(`${label} carries no tags (batch-get-resource-config never returns them; a select query must select tags)`);
  }
  return { resource: { ...base, properties: props as Resource['properties'], context, assumptions: assumptions.length ? assumptions : undefined }, error: null };
}

/** PascalCase keys to the ECS API's camelCase, deeply, keeping the keys of user-data maps as written. */
export function toApiShape(value: unknown, opaque = false): unknown {
  if (Array.isArray(value)) return value.map((v) => toApiShape(v));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (opaque) out[k] = v;
    else out[apiName(k)] = toApiShape(v, OPAQUE.has(k));
  }
  return out;
}

/** The type-specific differences between the CloudFormation schema and the ECS API that a rename cannot express. */
function finishProperties(type: ResourceType, p: Record<string, unknown>, arn: string | null, ci: Record<string, unknown>, assumptions: string[]): void {
  const move = (from: string, to: string) => {
    if (p[to] === undefined && p[from] !== undefined) p[to] = p[from];
    if (from !== to) delete p[from];
  };
  switch (type) {
    case 'AWS::ECS::TaskDefinition': {
      if (arn && p.taskDefinitionArn === undefined) p.taskDefinitionArn = arn;
      const m = /:task-definition\/([^:]+):(\d+)$/.exec(str(p.taskDefinitionArn) ?? arn ?? '');
      if (m && p.family === undefined) p.family = m[1];
      if (m && p.revision === undefined) p.revision = Number(m[2]);
      if (p.status === undefined) assumptions.push('AWS Config records no task definition status; this revision is taken as ACTIVE because Config still records it');
      break;
    }
    case 'AWS::ECS::Service':
      if (arn && p.serviceArn === undefined) p.serviceArn = arn;
      if (p.serviceName === undefined) p.serviceName = p.name ?? str(ci.resourceName) ?? undefined;
      move('cluster', 'clusterArn');
      move('role', 'roleArn');
      break;
    case 'AWS::ECS::Cluster':
      move('arn', 'clusterArn');
      if (arn && p.clusterArn === undefined) p.clusterArn = arn;
      if (p.clusterName === undefined && str(ci.resourceName)) p.clusterName = ci.resourceName;
      break;
    case 'AWS::ECS::TaskSet':
      if (arn && p.taskSetArn === undefined) p.taskSetArn = arn;
      move('cluster', 'clusterArn');
      move('service', 'serviceArn');
      break;
    case 'AWS::ECS::CapacityProvider':
      move('arn', 'capacityProviderArn');
      if (arn && p.capacityProviderArn === undefined) p.capacityProviderArn = arn;
      if (p.name === undefined && str(ci.resourceName)) p.name = ci.resourceName;
      break;
  }
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

function nameFromArn(arn: string | null): string | null {
  if (!arn) return null;
  const tail = arn.split(':').slice(5).join(':');
  const slash = tail.lastIndexOf('/');
  return slash >= 0 ? tail.slice(slash + 1) : tail || null;
}

function regionFromArn(arn: string | null): string | null {
  return arn?.split(':')[3] || null;
}
