/**
 * Terraform resource attributes (the provider's snake_case shape, every nested block a list, as
 * in plan JSON) to the ECS API shape the controls read. Each mapping follows the AWS provider's
 * documentation for aws_ecs_task_definition, aws_ecs_service, aws_ecs_cluster,
 * aws_ecs_capacity_provider and aws_ecs_task_set; what the two spell differently is listed here
 * (`name` of a service is `serviceName`, `setting` blocks are `settings`, `network_configuration`
 * is the API's `awsvpcConfiguration`, `assign_public_ip` is a boolean ...).
 */
import { isUnresolved, unresolved, type Location, type ResourceType } from '../../model/index.js';
import { JsonEncoded, positions, SourcedText, type TfValue } from './values.js';
import { jsonWithPositions } from './json-positions.js';
import type { EvalScope } from './evaluate.js';

/** How one attribute or block maps: its API name, and for blocks whether it is one object or a list. */
interface Field {
  to: string;
  /** single: a block that appears once (an object in the API); list: a list of objects. */
  block?: 'single' | 'list';
  fields?: Spec;
  /** Special conversions. */
  kind?: 'containerDefinitions' | 'tags' | 'opaque' | 'hostPath' | 'publicIp';
}
type Spec = Record<string, Field>;

const efs: Spec = {
  file_system_id: { to: 'fileSystemId' },
  root_directory: { to: 'rootDirectory' },
  transit_encryption: { to: 'transitEncryption' },
  transit_encryption_port: { to: 'transitEncryptionPort' },
  authorization_config: { to: 'authorizationConfig', block: 'single', fields: { access_point_id: { to: 'accessPointId' }, iam: { to: 'iam' } } },
};
const awsvpc: Field = { to: 'networkConfiguration', block: 'single', kind: 'publicIp' };
const strategy: Field = { to: 'capacityProviderStrategy', block: 'list', fields: { capacity_provider: { to: 'capacityProvider' }, weight: { to: 'weight' }, base: { to: 'base' } } };

/** The ECS resources ecsguard reads from Terraform, with their mapping. */
export const TERRAFORM_TYPES: ReadonlyMap<string, { type: ResourceType; spec: Spec; nameKey: string }> = new Map<string, { type: ResourceType; spec: Spec; nameKey: string }>([
  ['aws_ecs_task_definition', {
    type: 'AWS::ECS::TaskDefinition' as const,
    nameKey: 'family',
    spec: {
      container_definitions: { to: 'containerDefinitions', kind: 'containerDefinitions' },
      runtime_platform: { to: 'runtimePlatform', block: 'single', fields: { operating_system_family: { to: 'operatingSystemFamily' }, cpu_architecture: { to: 'cpuArchitecture' } } },
      volume: {
        to: 'volumes', block: 'list',
        fields: {
          name: { to: 'name' },
          host_path: { to: 'host', kind: 'hostPath' },
          efs_volume_configuration: { to: 'efsVolumeConfiguration', block: 'single', fields: efs },
          docker_volume_configuration: { to: 'dockerVolumeConfiguration', block: 'single', fields: { driver_opts: { to: 'driverOpts', kind: 'opaque' }, labels: { to: 'labels', kind: 'opaque' } } },
          fsx_windows_file_server_volume_configuration: { to: 'fsxWindowsFileServerVolumeConfiguration', block: 'single' },
        },
      },
      ephemeral_storage: { to: 'ephemeralStorage', block: 'single', fields: { size_in_gib: { to: 'sizeInGiB' } } },
      proxy_configuration: { to: 'proxyConfiguration', block: 'single' },
      placement_constraints: { to: 'placementConstraints', block: 'list' },
      tags: { to: 'tags', kind: 'tags' },
    },
  }],
  ['aws_ecs_service', {
    type: 'AWS::ECS::Service' as const,
    nameKey: 'serviceName',
    spec: { name: { to: 'serviceName' }, network_configuration: awsvpc, capacity_provider_strategy: strategy, load_balancer: { to: 'loadBalancers', block: 'list' }, tags: { to: 'tags', kind: 'tags' } },
  }],
  ['aws_ecs_task_set', {
    type: 'AWS::ECS::TaskSet' as const,
    nameKey: 'service',
    spec: { network_configuration: awsvpc, capacity_provider_strategy: strategy, load_balancer: { to: 'loadBalancers', block: 'list' }, tags: { to: 'tags', kind: 'tags' } },
  }],
  ['aws_ecs_cluster', {
    type: 'AWS::ECS::Cluster' as const,
    nameKey: 'clusterName',
    spec: {
      name: { to: 'clusterName' },
      setting: { to: 'settings', block: 'list', fields: { name: { to: 'name' }, value: { to: 'value' } } },
      configuration: {
        to: 'configuration', block: 'single',
        fields: { execute_command_configuration: { to: 'executeCommandConfiguration', block: 'single', fields: { kms_key_id: { to: 'kmsKeyId' }, log_configuration: { to: 'logConfiguration', block: 'single' } } } },
      },
      tags: { to: 'tags', kind: 'tags' },
    },
  }],
  ['aws_ecs_capacity_provider', {
    type: 'AWS::ECS::CapacityProvider' as const,
    nameKey: 'name',
    spec: {
      auto_scaling_group_provider: {
        to: 'autoScalingGroupProvider', block: 'single',
        fields: { managed_scaling: { to: 'managedScaling', block: 'single' } },
      },
      tags: { to: 'tags', kind: 'tags' },
    },
  }],
]);

/** snake_case to camelCase. */
export function camel(s: string): string {
  return s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** What mapping produced: the API-shaped properties and the location of every API path. */
export interface Mapped {
  properties: Record<string, unknown>;
  locations: Map<string, Location>;
}

const isObj = (v: unknown): v is Record<string, TfValue> => !!v && typeof v === 'object' && !Array.isArray(v) && !isUnresolved(v) && !(v instanceof SourcedText) && !(v instanceof JsonEncoded);

/**
 * Maps a resource's attributes (`attrs`, the provider shape) with `spec`. `fallback` is where
 * values without a position of their own point (the attribute or block they came from).
 */
export function mapResource(attrs: Record<string, TfValue>, spec: Spec, fallback: Location, scope: EvalScope): Mapped {
  const locations = new Map<string, Location>();
  const properties = mapObject(attrs, spec, '', fallback, locations, scope) as Record<string, unknown>;
  return { properties, locations };
}

function posIn(container: object, key: string | number, fallback: Location): Location {
  return positions.get(container)?.get(key) ?? fallback;
}

function mapObject(obj: Record<string, TfValue>, spec: Spec, path: string, fallback: Location, locs: Map<string, Location>, scope: EvalScope): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(obj)) {
    const f = spec[key] ?? { to: camel(key) };
    const loc = posIn(obj, key, fallback);
    const p = path ? `${path}.${f.to}` : f.to;
    locs.set(p, loc);
    if (value === null) continue;
    out[f.to] = mapField(value, f, p, loc, locs, scope);
  }
  return out;
}

function mapField(value: TfValue, f: Field, p: string, loc: Location, locs: Map<string, Location>, scope: EvalScope): unknown {
  if (isUnresolved(value)) return value;
  switch (f.kind) {
    case 'containerDefinitions':
      return containerDefinitions(value, p, loc, locs, scope);
    case 'tags':
      return isObj(value) ? Object.entries(value).map(([k, v], i) => {
        locs.set(`${p}[${i}]`, posIn(value, k, loc));
        return { key: k, value: isUnresolved(v) ? v : String(v) };
      }) : value;
    case 'opaque':
      return value;
    case 'hostPath':
      return { sourcePath: value };
    case 'publicIp': {
      const block = Array.isArray(value) ? value[0] : value;
      if (!isObj(block)) return block;
      const vpc = mapObject(block, { security_groups: { to: 'securityGroups' }, assign_public_ip: { to: 'assignPublicIp' } }, `${p}.awsvpcConfiguration`, loc, locs, scope);
      const ip = vpc.assignPublicIp;
      // The provider's boolean is the API's ENABLED/DISABLED; unset is false.
      if (ip === true || ip === 'true') vpc.assignPublicIp = 'ENABLED';
      else if (ip === false || ip === 'false' || ip === undefined) vpc.assignPublicIp = 'DISABLED';
      return { awsvpcConfiguration: vpc };
    }
  }
  if (f.block) {
    const items = Array.isArray(value) ? value : [value];
    const mapped = items.map((item, i) => {
      const itemLoc = posIn(items, i, loc);
      if (f.block === 'list') locs.set(`${p}[${i}]`, itemLoc);
      return isObj(item) ? mapObject(item, f.fields ?? {}, f.block === 'list' ? `${p}[${i}]` : p, itemLoc, locs, scope) : item;
    });
    return f.block === 'single' ? mapped[0] : mapped;
  }
  return plain(value);
}

/** A TF value with wrappers turned into what the API would get (JSON text for jsonencode). */
function plain(v: TfValue): unknown {
  if (v instanceof SourcedText) return v.text;
  if (v instanceof JsonEncoded) return JSON.stringify(v.value);
  return v;
}

/** container_definitions: a JSON string (jsonencode, heredoc, file, templatefile) to the list of containers, positions kept. */
function containerDefinitions(value: TfValue, p: string, loc: Location, locs: Map<string, Location>, scope: EvalScope): unknown {
  let list: TfValue;
  if (value instanceof JsonEncoded) list = value.value as TfValue;
  else if (value instanceof SourcedText) list = jsonWithPositions(value.text, value.origin, scope, loc);
  else if (typeof value === 'string') list = jsonWithPositions(value, loc, scope, loc);
  else list = value;
  if (isUnresolved(list)) return list;
  if (!Array.isArray(list)) return unresolved('container_definitions is not a JSON list');
  const walk = (v: TfValue, path: string, at: Location): unknown => {
    if (Array.isArray(v)) return v.map((x, i) => {
      const l = posIn(v, i, at);
      locs.set(`${path}[${i}]`, l);
      return walk(x, `${path}[${i}]`, l);
    });
    if (isObj(v)) {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        const l = posIn(v, k, at);
        locs.set(`${path}.${k}`, l);
        if (x === null) continue;
        out[k] = walk(x, `${path}.${k}`, l);
      }
      return out;
    }
    return plain(v);
  };
  return walk(list, p, loc);
}
