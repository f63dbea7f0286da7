/**
 * CloudFormation properties to the ECS API's shape: PascalCase keys to the API's camelCase,
 * with the names the two spell differently (EFSVolumeConfiguration, FilesystemId, IAM,
 * ClusterSettings, AwsVpcConfiguration of task sets ...), intrinsics evaluated, `AWS::NoValue`
 * dropped, and the position of every property kept by its API path.
 * Property names follow the CloudFormation resource specification for AWS::ECS::*.
 */
import { isUnresolved, unresolved, type Unresolved } from '../../model/index.js';
import type { CNode, Pos } from './nodes.js';
import { evalNode, NO_VALUE, type Pass, type TemplateScope } from './intrinsics.js';

/** CloudFormation property names whose ECS API name is not the same word in camelCase. */
const RENAMES: Record<string, string> = {
  EFSVolumeConfiguration: 'efsVolumeConfiguration',
  FSxWindowsFileServerVolumeConfiguration: 'fsxWindowsFileServerVolumeConfiguration',
  FilesystemId: 'fileSystemId',
  IAM: 'iam',
  ClusterSettings: 'settings',
  AwsvpcConfiguration: 'awsvpcConfiguration',
  AwsVpcConfiguration: 'awsvpcConfiguration',
};

/** Properties whose keys are user data (log options, labels), kept as written. */
const OPAQUE = new Set(['Options', 'DockerLabels', 'DriverOpts', 'Labels', 'SecretOptions']);

/** Map of ECS API path (`containerDefinitions[0].user`) to source position. */
export type PositionMap = Map<string, Pos>;

/** The ECS API name of a CloudFormation property. */
export function apiName(key: string): string {
  return RENAMES[key] ?? (key.length > 0 ? key[0].toLowerCase() + key.slice(1) : key);
}

/**
 * Normalises `node` (a resource's Properties, or part of it) at API path `path`, recording the
 * position of every property in `positions`. Returns the API-shaped value, `undefined` for
 * `AWS::NoValue`, or an `Unresolved`.
 */
export function normalise(node: CNode, path: string, positions: PositionMap, scope: TemplateScope, pass: Pass, opaque = false): unknown {
  pass.currentPath = path;
  const v = evalNode(node, scope, pass);
  if (v === NO_VALUE) return undefined;
  if (isUnresolved(v)) return v as Unresolved;
  if (!positions.has(path)) positions.set(path, v.pos);
  if (v.kind === 'scalar') {
    // A dynamic reference is replaced by CloudFormation at deployment with a value from SSM or Secrets Manager.
    if (typeof v.value === 'string' && v.value.includes('{{resolve:')) {
      const service = /\{\{resolve:([a-z-]+):/.exec(v.value)?.[1] ?? 'unknown';
      return unresolved(`a dynamic reference ({{resolve:${service}:...}}) is resolved by CloudFormation at deployment`);
    }
    return v.value;
  }
  if (v.kind === 'seq') {
    const out: unknown[] = [];
    for (const item of v.items) {
      const p = `${path}[${out.length}]`;
      positions.set(p, item.pos);
      const x = normalise(item, p, positions, scope, pass);
      // AWS::NoValue in a list removes the element, shifting the ones after it.
      if (x === undefined) positions.delete(p);
      else out.push(x);
    }
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const e of v.entries) {
    const key = opaque ? e.key : apiName(e.key);
    const p = path ? `${path}.${key}` : key;
    positions.set(p, e.keyPos);
    const x = normalise(e.value, p, positions, scope, pass, !opaque && OPAQUE.has(e.key));
    if (x === undefined) positions.delete(p);
    else out[key] = x;
  }
  return out;
}
