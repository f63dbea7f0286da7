/**
 * The container inventory: one row per container of every judged task definition, and one row
 * per service, built from the same resources and findings as `scan`. Environment variable
 * values are never read, only the names that ECS.8 flags.
 */
import type { ContainerDefinition, TaskDefinition, Service } from '@aws-sdk/client-ecs';
import type { JudgedResource } from '../engine/scan.js';
import { isUnresolved, type Finding } from '../model/index.js';
import { containersOf, operatingSystemOf, userPrincipal } from '../model/task-definition.js';
import { DEFAULT_SECRET_KEYS } from '../controls/ecs-08.js';
import { formatLocation } from '../reporters/text.js';

/** One container. Values are display strings; unknown values read `unknown (reason)`. */
export interface ContainerRow {
  resource: string;
  location: string;
  family: string;
  container: string;
  image: string;
  /** `runtimePlatform.operatingSystemFamily`, or `unset`. */
  os: string;
  network: string;
  /** The `user` field, or `none`. */
  user: string;
  privileged: boolean | 'unknown';
  readonlyRootFilesystem: boolean | 'unknown';
  logDriver: string;
  /** Names of environment variables ECS.8 flags (names only). */
  secretEnvironment: string[];
  /** EFS volumes this container mounts whose transitEncryption is not ENABLED. */
  efsWithoutTransitEncryption: string[];
  /** Controls that fail because of this container. */
  failing: string[];
}

/** One service. */
export interface ServiceRow {
  resource: string;
  location: string;
  service: string;
  cluster: string;
  launchType: string;
  platformVersion: string;
  assignPublicIp: string;
  taskDefinition: string;
}

/** A display string; a CloudFormation Ref to another resource of the template shows its logical ID. */
const show = (v: unknown, none = ''): string => (isUnresolved(v) ? (/^Ref to resource (\S+):/.exec(v.unresolved)?.[1] ?? `unknown (${v.unresolved})`) : v === undefined || v === null || v === '' ? none : typeof v === 'object' ? JSON.stringify(v) : String(v));
const flag = (v: unknown): boolean | 'unknown' => (isUnresolved(v) ? 'unknown' : v === true);

/** Whether a finding's deciding field (or one of its violations) is in container `i`. */
function blames(f: Finding, i: number): boolean {
  const prefix = `containerDefinitions[${i}]`;
  const hit = (p: string | null) => p !== null && (p === prefix || p.startsWith(prefix + '.') || p.startsWith(prefix + '['));
  return f.status === 'FAILED' && !f.suppressed && (hit(f.path) || f.violations.some((v) => hit(v.path)));
}

/**
 * The rows for judged resources. `secretKeys` are ECS.8's names (default the Config rule's).
 * Task definition-level failures (pidMode, networkMode, tags) are not container failures and
 * are not listed per container.
 */
export function inventoryRows(judged: readonly JudgedResource[], secretKeys: readonly string[] = DEFAULT_SECRET_KEYS): { containers: ContainerRow[]; services: ServiceRow[] } {
  const containers: ContainerRow[] = [];
  const services: ServiceRow[] = [];
  const wanted = new Set(secretKeys.map((k) => k.trim()));
  for (const { resource, findings } of judged) {
    if (resource.type === 'AWS::ECS::Service') {
      const s = resource.properties as Service;
      const nc = s.networkConfiguration as unknown;
      const vpc = isUnresolved(nc) ? nc : (nc as { awsvpcConfiguration?: unknown } | undefined)?.awsvpcConfiguration;
      const ip = isUnresolved(vpc) ? vpc : (vpc as { assignPublicIp?: unknown } | undefined)?.assignPublicIp;
      services.push({
        resource: resource.id,
        location: formatLocation(resource.locate(null)) || resource.id,
        service: show(s.serviceName, resource.name),
        // A value in parentheses is the ECS default for an unset field.
        cluster: show(s.clusterArn ?? (s as { cluster?: unknown }).cluster, '(default)'),
        launchType: show(s.launchType, (s.capacityProviderStrategy as unknown[] | undefined)?.length ? 'capacity providers' : '(EC2)'),
        platformVersion: show(s.platformVersion, s.launchType === 'FARGATE' ? '(LATEST)' : ''),
        assignPublicIp: show(ip, vpc === undefined ? '-' : '(DISABLED)'),
        taskDefinition: show(s.taskDefinition),
      });
      continue;
    }
    if (resource.type !== 'AWS::ECS::TaskDefinition') continue;
    const td = resource.properties as TaskDefinition;
    const os = operatingSystemOf(td);
    const osText = isUnresolved(os) ? show(os) : os === 'UNSET' ? 'unset' : show(td.runtimePlatform?.operatingSystemFamily);
    const read = containersOf(td);
    if (!read.ok) continue;
    const efsOff = new Set<string>();
    if (Array.isArray(td.volumes)) {
      for (const v of td.volumes) {
        const cfg = v?.efsVolumeConfiguration as unknown;
        if (!cfg || isUnresolved(cfg)) continue;
        if ((cfg as { transitEncryption?: unknown }).transitEncryption !== 'ENABLED' && typeof v.name === 'string') efsOff.add(v.name);
      }
    }
    for (const { container, index, label } of read.containers) {
      const c = container as ContainerDefinition;
      const env: unknown = c.environment;
      const secretNames: string[] = [];
      if (Array.isArray(env)) {
        for (const e of env) {
          const name: unknown = e && typeof e === 'object' && !isUnresolved(e) ? (e as { name?: unknown }).name : undefined;
          if (typeof name === 'string' && wanted.has(name.trim())) secretNames.push(name.trim());
        }
      }
      const mounts: unknown = c.mountPoints;
      const mounted = Array.isArray(mounts) ? mounts.map((m) => (m && typeof m === 'object' ? (m as { sourceVolume?: unknown }).sourceVolume : undefined)).filter((n): n is string => typeof n === 'string') : [];
      const user: unknown = c.user;
      const lc: unknown = c.logConfiguration;
      containers.push({
        resource: resource.id,
        location: formatLocation(resource.locate(`containerDefinitions[${index}]`)) || resource.id,
        family: show(td.family, resource.name),
        container: label,
        image: show(c.image),
        os: osText,
        network: show(td.networkMode, 'unset'),
        user: isUnresolved(user) ? show(user) : typeof user === 'string' && userPrincipal(user) !== null ? user : 'none',
        privileged: flag(c.privileged),
        readonlyRootFilesystem: flag(c.readonlyRootFilesystem),
        logDriver: isUnresolved(lc) ? show(lc) : show((lc as { logDriver?: unknown } | undefined)?.logDriver, 'none'),
        secretEnvironment: secretNames,
        efsWithoutTransitEncryption: mounted.filter((n) => efsOff.has(n)),
        failing: findings.filter((f) => blames(f, index)).map((f) => f.control),
      });
    }
  }
  return { containers, services };
}
