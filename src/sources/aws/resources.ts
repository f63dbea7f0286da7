/**
 * ECS API objects, as the SDK returns them, turned into `Resource`s: identified by ARN, with
 * origin `{ kind: 'aws', account, region }` (the account and region of the ARN), no source
 * location, and the tags inside `properties.tags`. What could not be described is a resource whose
 * whole `properties` is an `Unresolved` marker, so every control reports NOT_AVAILABLE for it.
 */
import type { CapacityProvider, Cluster, Service, Tag, TaskDefinition, TaskSet } from '@aws-sdk/client-ecs';
import { unresolved, type Origin, type Resource, type ResourceContext, type ResourceType } from '../../model/index.js';
import { arnParts } from './identity.js';

/** The account and region a resource is read from, and the partition for ARNs built here. */
export interface RegionScope {
  account: string;
  region: string;
  partition: string;
}

const noLocation = (): null => null;

/** The origin of a resource: the account and region of its ARN, else of the scope it was read in. */
export function originOf(arn: string | undefined, scope: RegionScope): Origin {
  const p = arn ? arnParts(arn) : null;
  return { kind: 'aws', account: p?.account || scope.account, region: p?.region || scope.region };
}

/** `InputError.file` for problems in one account and region: `aws://111122223333/eu-west-1`. */
export function regionFile(scope: Pick<RegionScope, 'account' | 'region'>): string {
  return `aws://${scope.account}/${scope.region}`;
}

/** The ARN of a task definition family or revision, for one that could not be described. */
export function taskDefinitionArn(scope: RegionScope, familyOrRevision: string): string {
  return `arn:${scope.partition}:ecs:${scope.region}:${scope.account}:task-definition/${familyOrRevision}`;
}

/** The last path segment of an ARN (`cluster/prod` gives `prod`), or the string itself. */
export function shortName(arnOrName: string): string {
  const p = arnParts(arnOrName);
  const resource = p ? p.resource : arnOrName;
  return resource.slice(resource.lastIndexOf('/') + 1);
}

/** Tags were asked for (`include: TAGS`): an absent list means the resource has none. */
function withTags<T extends object>(item: T, tags: Tag[] | undefined): T & { tags: Tag[] } {
  return { ...item, tags: tags ?? [] };
}

const TAGS_KNOWN: ResourceContext = { tagsKnown: true };

/** A task definition from DescribeTaskDefinition; `tags` is the response's own `tags`, beside `taskDefinition`. */
export function taskDefinitionResource(td: TaskDefinition, tags: Tag[] | undefined, scope: RegionScope): Resource<'AWS::ECS::TaskDefinition'> {
  const arn = td.taskDefinitionArn ?? taskDefinitionArn(scope, `${td.family}:${td.revision}`);
  return {
    type: 'AWS::ECS::TaskDefinition',
    id: arn,
    name: td.family && td.revision !== undefined ? `${td.family}:${td.revision}` : shortName(arn),
    properties: withTags(td, tags),
    origin: originOf(arn, scope),
    context: { ...TAGS_KNOWN },
    locate: noLocation,
  };
}

/** A cluster from DescribeClusters with `include: [SETTINGS, TAGS, CONFIGURATIONS]`. */
export function clusterResource(cluster: Cluster, scope: RegionScope): Resource<'AWS::ECS::Cluster'> {
  const arn = cluster.clusterArn ?? cluster.clusterName ?? '?';
  // With SETTINGS asked for, a cluster without settings has no Container Insights setting at all.
  const settings = cluster.settings ?? [];
  return {
    type: 'AWS::ECS::Cluster',
    id: arn,
    name: cluster.clusterName ?? shortName(arn),
    properties: { ...withTags(cluster, cluster.tags), settings },
    origin: originOf(cluster.clusterArn, scope),
    context: { ...TAGS_KNOWN },
    locate: noLocation,
  };
}

/**
 * A service from DescribeServices with `include: [TAGS]`. Its `events` (the last 100 deployment
 * messages) are left out: no control reads them, and they would be most of a large region's memory.
 */
export function serviceResource(service: Service, scope: RegionScope): Resource<'AWS::ECS::Service'> {
  const arn = service.serviceArn ?? service.serviceName ?? '?';
  const { events: _events, ...rest } = service;
  return {
    type: 'AWS::ECS::Service',
    id: arn,
    name: service.serviceName ?? shortName(arn),
    properties: withTags(rest, service.tags),
    origin: originOf(service.serviceArn, scope),
    context: { ...TAGS_KNOWN },
    locate: noLocation,
  };
}

/**
 * A task set from DescribeTaskSets with `include: [TAGS]`; or, with `tagsUnknown`, the copy
 * DescribeServices embeds in its service (complete but for the tags, which stay unknown).
 */
export function taskSetResource(taskSet: TaskSet, scope: RegionScope, tagsUnknown?: string): Resource<'AWS::ECS::TaskSet'> {
  const arn = taskSet.taskSetArn ?? taskSet.id ?? '?';
  const properties = tagsUnknown === undefined ? withTags(taskSet, taskSet.tags) : { ...taskSet };
  return {
    type: 'AWS::ECS::TaskSet',
    id: arn,
    name: taskSet.id ?? shortName(arn),
    properties,
    origin: originOf(taskSet.taskSetArn, scope),
    context: tagsUnknown === undefined ? { ...TAGS_KNOWN } : { tagsKnown: unresolved(tagsUnknown) },
    locate: noLocation,
  };
}

/** A capacity provider from DescribeCapacityProviders with `include: [TAGS]`. */
export function capacityProviderResource(provider: CapacityProvider, scope: RegionScope): Resource<'AWS::ECS::CapacityProvider'> {
  const arn = provider.capacityProviderArn ?? provider.name ?? '?';
  return {
    type: 'AWS::ECS::CapacityProvider',
    id: arn,
    name: provider.name ?? shortName(arn),
    properties: withTags(provider, provider.tags),
    origin: originOf(provider.capacityProviderArn, scope),
    context: { ...TAGS_KNOWN },
    locate: noLocation,
  };
}

/**
 * A resource that was listed but could not be described: every control that applies to it is
 * NOT_AVAILABLE with `reason`, never judged from what little is known.
 */
export function undescribedResource(type: ResourceType, arn: string, name: string, scope: RegionScope, reason: string): Resource {
  return {
    type,
    id: arn,
    name,
    properties: unresolved(reason) as unknown as Resource['properties'],
    origin: originOf(arn, scope),
    locate: noLocation,
  };
}

const TYPE_ORDER: Record<ResourceType, number> = {
  'AWS::ECS::TaskDefinition': 0,
  'AWS::ECS::Cluster': 1,
  'AWS::ECS::Service': 2,
  'AWS::ECS::TaskSet': 3,
  'AWS::ECS::CapacityProvider': 4,
};

/** Resource order within a region, the same on every run: by type, then by ARN, revisions numerically. */
export function compareResources(a: Resource, b: Resource): number {
  return TYPE_ORDER[a.type] - TYPE_ORDER[b.type] || a.id.localeCompare(b.id, 'en', { numeric: true }) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
