/**
 * Type checks on the task definition fields the controls read. A field of the wrong type
 * (`user` a number, `privileged` a string, `containerDefinitions` an object) is reported as an
 * input error at its line and replaced by an `Unresolved` marker, so the controls that depend on
 * it say NOT_AVAILABLE while the others still judge the task definition. Field types follow the
 * ECS API reference (RegisterTaskDefinition, ContainerDefinition).
 */
import { isUnresolved as isUnresolvedValue, unresolved } from '../../model/index.js';

type Kind = 'string' | 'number' | 'boolean' | 'object' | 'array';

/** A field schema: its JSON kind, the schema of an object's fields, or of an array's items. */
export interface Schema {
  kind: Kind;
  fields?: Record<string, Schema>;
  items?: Schema;
  /** True for a number the AWS CLI also accepts as a numeric string (cpu, memory). */
  numericString?: boolean;
}

const str: Schema = { kind: 'string' };
const num: Schema = { kind: 'number' };
const bool: Schema = { kind: 'boolean' };
const strList: Schema = { kind: 'array', items: str };
const keyValueList = (k: string, v: string): Schema => ({ kind: 'array', items: { kind: 'object', fields: { [k]: str, [v]: str } } });

const CONTAINER: Schema = {
  kind: 'object',
  fields: {
    name: str, image: str, user: str, privileged: bool, readonlyRootFilesystem: bool, essential: bool,
    cpu: num, memory: num, memoryReservation: num,
    command: strList, entryPoint: strList,
    environment: keyValueList('name', 'value'),
    secrets: keyValueList('name', 'valueFrom'),
    logConfiguration: { kind: 'object', fields: { logDriver: str, options: { kind: 'object' }, secretOptions: keyValueList('name', 'valueFrom') } },
    linuxParameters: {
      kind: 'object',
      fields: {
        capabilities: { kind: 'object', fields: { add: strList, drop: strList } },
        devices: { kind: 'array', items: { kind: 'object', fields: { hostPath: str, containerPath: str, permissions: strList } } },
      },
    },
    dockerSecurityOptions: strList,
    dockerLabels: { kind: 'object' },
    healthCheck: { kind: 'object', fields: { command: strList, interval: num, timeout: num, retries: num, startPeriod: num } },
    mountPoints: { kind: 'array', items: { kind: 'object', fields: { sourceVolume: str, containerPath: str, readOnly: bool } } },
    volumesFrom: { kind: 'array', items: { kind: 'object', fields: { sourceContainer: str, readOnly: bool } } },
  },
};

/** The task definition fields ecsguard reads, with their ECS API types. */
export const TASK_DEFINITION_SCHEMA: Schema = {
  kind: 'object',
  fields: {
    family: str, revision: num, status: str, taskDefinitionArn: str,
    networkMode: str, pidMode: str, ipcMode: str, taskRoleArn: str, executionRoleArn: str,
    cpu: { kind: 'string', numericString: true }, memory: { kind: 'string', numericString: true },
    requiresCompatibilities: strList,
    runtimePlatform: { kind: 'object', fields: { operatingSystemFamily: str, cpuArchitecture: str } },
    containerDefinitions: { kind: 'array', items: CONTAINER },
    volumes: {
      kind: 'array',
      items: {
        kind: 'object',
        fields: {
          name: str,
          efsVolumeConfiguration: { kind: 'object', fields: { fileSystemId: str, transitEncryption: str } },
          host: { kind: 'object', fields: { sourcePath: str } },
          dockerVolumeConfiguration: { kind: 'object', fields: { driver: str, driverOpts: { kind: 'object' } } },
        },
      },
    },
    tags: keyValueList('key', 'value'),
  },
};

const tags = keyValueList('key', 'value');
const awsvpc: Schema = { kind: 'object', fields: { awsvpcConfiguration: { kind: 'object', fields: { assignPublicIp: str, subnets: strList, securityGroups: strList } } } };
const strategy: Schema = { kind: 'array', items: { kind: 'object', fields: { capacityProvider: str, base: num, weight: num } } };

/** The service fields ecsguard reads (ECS API `Service`). */
export const SERVICE_SCHEMA: Schema = {
  kind: 'object',
  fields: {
    serviceName: str, serviceArn: str, clusterArn: str, cluster: str, taskDefinition: str, launchType: str, platformVersion: str, platformFamily: str,
    capacityProviderStrategy: strategy, networkConfiguration: awsvpc, enableExecuteCommand: bool, tags,
  },
};

/** The task set fields ecsguard reads (ECS API `TaskSet`). */
export const TASK_SET_SCHEMA: Schema = {
  kind: 'object',
  fields: { taskSetArn: str, id: str, service: str, cluster: str, taskDefinition: str, launchType: str, platformVersion: str, capacityProviderStrategy: strategy, networkConfiguration: awsvpc, tags },
};

/** The cluster fields ecsguard reads (ECS API `Cluster`). */
export const CLUSTER_SCHEMA: Schema = {
  kind: 'object',
  fields: {
    clusterName: str, clusterArn: str, settings: keyValueList('name', 'value'), capacityProviders: strList, defaultCapacityProviderStrategy: strategy, tags,
    configuration: {
      kind: 'object',
      fields: {
        executeCommandConfiguration: {
          kind: 'object',
          fields: {
            kmsKeyId: str,
            logging: str,
            logConfiguration: { kind: 'object', fields: { cloudWatchLogGroupName: str, cloudWatchEncryptionEnabled: bool, s3BucketName: str, s3EncryptionEnabled: bool, s3KeyPrefix: str } },
          },
        },
      },
    },
  },
};

/** The capacity provider fields ecsguard reads (ECS API `CapacityProvider`). */
export const CAPACITY_PROVIDER_SCHEMA: Schema = {
  kind: 'object',
  fields: {
    name: str, capacityProviderArn: str, status: str,
    autoScalingGroupProvider: { kind: 'object', fields: { autoScalingGroupArn: str, managedTerminationProtection: str, managedScaling: { kind: 'object', fields: { status: str, targetCapacity: num } } } },
    tags,
  },
};

/** A type problem: the ECS API path and a message for humans (never the value itself: it may be a secret). */
export interface TypeProblem {
  path: (string | number)[];
  message: string;
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  switch (typeof v) {
    case 'string': return 'a string';
    case 'number': return 'a number';
    case 'boolean': return 'a boolean';
    case 'object': return 'an object';
    default: return typeof v;
  }
}

function matches(v: unknown, s: Schema): boolean {
  switch (s.kind) {
    case 'array': return Array.isArray(v);
    case 'object': return typeof v === 'object' && v !== null && !Array.isArray(v);
    case 'string': return typeof v === 'string' || (s.numericString === true && typeof v === 'number');
    default: return typeof v === s.kind;
  }
}

function expected(s: Schema): string {
  return s.kind === 'array' ? 'an array' : s.kind === 'object' ? 'an object' : `a ${s.kind}`;
}

function pathText(path: (string | number)[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${p}` : p;
  return out;
}

/**
 * Checks `value` against `schema` in place: each mistyped field becomes an `Unresolved` marker
 * and a {@link TypeProblem}. `null` counts as absent (the AWS CLI drops nulls).
 */
export function checkTypes(value: Record<string, unknown>, schema: Schema = TASK_DEFINITION_SCHEMA, options: CheckOptions = {}): TypeProblem[] {
  const problems: TypeProblem[] = [];
  visit(value, schema, [], problems, options.coerceScalars === true);
  return problems;
}

/** Options of {@link checkTypes}. */
export interface CheckOptions {
  /**
   * Convert scalars as CloudFormation does before checking: "true"/"false" for booleans,
   * numeric strings for numbers, numbers and booleans for strings (`User: 1000`).
   */
  coerceScalars?: boolean;
}

/** The value CloudFormation would pass for a scalar given where `s` is expected, or undefined. */
function coerce(v: unknown, s: Schema): unknown {
  if (s.kind === 'boolean' && typeof v === 'string' && /^(true|false)$/i.test(v.trim())) return /^true$/i.test(v.trim());
  if (s.kind === 'number' && typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  if (s.kind === 'string' && (typeof v === 'number' || typeof v === 'boolean')) return String(v);
  return undefined;
}

function visit(value: unknown, schema: Schema, path: (string | number)[], problems: TypeProblem[], coerceScalars: boolean): void {
  if (schema.kind === 'object' && schema.fields) {
    const obj = value as Record<string, unknown>;
    for (const key in schema.fields) {
      const v = obj[key];
      if (v === undefined || v === null) continue;
      const s = schema.fields[key];
      const p = [...path, key];
      if (coerceScalars && !matches(v, s)) {
        const c = coerce(v, s);
        if (c !== undefined) {
          obj[key] = c;
          continue;
        }
      }
      if (isUnresolvedValue(v)) continue;
      if (!matches(v, s)) {
        const message = `${pathText(p)} is ${kindOf(v)}, but ECS expects ${expected(s)}`;
        problems.push({ path: p, message });
        obj[key] = unresolved(`${message} (see the input errors)`);
        continue;
      }
      visit(v, s, p, problems, coerceScalars);
    }
  } else if (schema.kind === 'array' && schema.items) {
    const arr = value as unknown[];
    for (let i = 0; i < arr.length; i++) {
      const v = arr[i];
      const p = [...path, i];
      if (isUnresolvedValue(v)) continue;
      if (coerceScalars && v !== null && !matches(v, schema.items)) {
        const c = coerce(v, schema.items);
        if (c !== undefined) {
          arr[i] = c;
          continue;
        }
      }
      if (v === null || !matches(v, schema.items)) {
        const message = `${pathText(p)} is ${kindOf(v)}, but ECS expects ${expected(schema.items)}`;
        problems.push({ path: p, message });
        arr[i] = unresolved(`${message} (see the input errors)`);
        continue;
      }
      visit(v, schema.items, p, problems, coerceScalars);
    }
  }
}

/** The schema of each resource type's ECS API properties, for sources that read several types. */
export const SCHEMA_BY_TYPE: Readonly<Record<string, Schema>> = {
  'AWS::ECS::TaskDefinition': TASK_DEFINITION_SCHEMA,
  'AWS::ECS::Service': SERVICE_SCHEMA,
  'AWS::ECS::Cluster': CLUSTER_SCHEMA,
  'AWS::ECS::TaskSet': TASK_SET_SCHEMA,
  'AWS::ECS::CapacityProvider': CAPACITY_PROVIDER_SCHEMA,
};
