/**
 * ECSG.4 (ecsguard hardening): task definitions should not bind-mount sensitive host paths (the
 * root file system, the container runtime's socket and state, /proc, /sys, /etc ...) into
 * containers, and never writable. Reads `volumes[].host.sourcePath` (and local-driver bind volumes)
 * and the `mountPoints` and `volumesFrom` that mount them.
 */
import type { TaskDefinition } from '@aws-sdk/client-ecs';
import { isUnresolved, type Evaluation, type Resource } from '../model/index.js';
import { containersOf } from '../model/task-definition.js';
import { COMMON_MESSAGES, type Control, type ControlParams } from './types.js';
import { field, unknownField } from './helpers.js';

/** The default `sensitiveHostPaths`. A path inside one of these, or one that contains one, is sensitive. */
export const DEFAULT_SENSITIVE_HOST_PATHS = [
  '/', '/etc', '/root', '/boot', '/dev', '/proc', '/sys', '/lib/modules',
  '/var/run/docker.sock', '/run/docker.sock', '/var/run/containerd', '/run/containerd', '/var/run/crio', '/run/crio',
  '/var/lib/docker', '/var/lib/containerd', '/var/lib/ecs', '/var/lib/kubelet',
];

/** A path with `.` and `..` segments resolved, slashes collapsed and no trailing slash; null when not absolute. */
export function normaliseHostPath(path: string): string | null {
  const p = path.trim();
  if (!p.startsWith('/')) return null;
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return '/' + out.join('/');
}

/** Windows' Docker engine pipe, the Windows counterpart of docker.sock. */
const WINDOWS_ENGINE_PIPE = /^\\\\\.\\pipe\\docker_engine$/i;

/** Whether an entry of the list names a container runtime's API: a `.sock` file or a runtime's run directory. */
function isSocketEntry(entry: string): boolean {
  return entry.endsWith('.sock') || /^\/(var\/)?run\/(containerd|crio)(\/|$)/.test(entry);
}

/**
 * The sensitive entry a host path matches (equal, inside it, or containing it), or null; `socket`
 * when the mount hands over a container runtime's API: the path is a `.sock` file, or is, lies in
 * or contains a socket entry of the list (mounting / or /var/run exposes docker.sock). A read-only
 * bind mount does not stop anyone from talking to a socket, so these fail even when read-only.
 */
export function sensitiveMatch(hostPath: string, sensitive: readonly string[]): { entry: string; socket: boolean; relation: 'is' | 'inside' | 'contains' } | null {
  if (WINDOWS_ENGINE_PIPE.test(hostPath.trim())) return { entry: hostPath.trim(), socket: true, relation: 'is' };
  const p = normaliseHostPath(hostPath);
  if (p === null) return null;
  const entries = sensitive.map(normaliseHostPath).filter((e): e is string => e !== null);
  const related = (e: string): 'is' | 'inside' | 'contains' | null =>
    p === e ? 'is' : e !== '/' && p.startsWith(e + '/') ? 'inside' : e.startsWith(p === '/' ? '/' : p + '/') ? 'contains' : null;
  for (const e of entries) {
    const relation = related(e);
    if (!relation) continue;
    const socket = p.endsWith('.sock') || entries.some((s) => isSocketEntry(s) && related(s) !== null);
    return { entry: e, socket, relation };
  }
  return null;
}

/** The host path a volume binds: `host.sourcePath`, or the device of a local-driver bind volume; unknown as a marker. */
function hostPathOf(volume: unknown, i: number): { path: string; apiPath: string } | { unknown: string; apiPath: string } | null {
  const host = field(volume, 'host');
  if (isUnresolved(host)) return { unknown: host.unresolved, apiPath: `volumes[${i}].host` };
  const source = field(host, 'sourcePath');
  if (isUnresolved(source)) return { unknown: source.unresolved, apiPath: `volumes[${i}].host.sourcePath` };
  if (typeof source === 'string' && source.trim() !== '') return { path: source, apiPath: `volumes[${i}].host.sourcePath` };
  // docker volume create --driver local --opt type=none --opt o=bind --opt device=/path is a bind mount too.
  const docker = field(volume, 'dockerVolumeConfiguration');
  const driver = field(docker, 'driver');
  const opts = field(docker, 'driverOpts');
  if ((driver === undefined || driver === 'local') && opts && typeof opts === 'object' && !isUnresolved(opts)) {
    const o = field(opts, 'o');
    const device = field(opts, 'device');
    if (typeof o === 'string' && /(^|,)\s*r?bind\s*(,|$)/.test(o)) {
      const apiPath = `volumes[${i}].dockerVolumeConfiguration.driverOpts.device`;
      if (isUnresolved(device)) return { unknown: device.unresolved, apiPath };
      if (typeof device === 'string') return { path: device, apiPath };
    }
  }
  return null;
}

/** A container that mounts a volume, and whether it can write to it. */
interface Mount {
  container: string;
  writable: boolean | 'unknown';
}

/**
 * Who mounts each volume (by name): `mountPoints[].sourceVolume` with `readOnly`, and the mounts a
 * container inherits with `volumesFrom` (read-only when either side says so).
 */
function mountsByVolume(td: TaskDefinition): { byVolume: Map<string, Mount[]>; unknown: { path: string; reason: string }[] } {
  const byVolume = new Map<string, Mount[]>();
  const unknown: { path: string; reason: string }[] = [];
  const read = containersOf(td);
  if (!read.ok) return { byVolume, unknown };
  const own = new Map<string, { volume: string; writable: boolean | 'unknown' }[]>();
  for (const { container, path, label } of read.containers) {
    const mps: unknown = container.mountPoints;
    const list: { volume: string; writable: boolean | 'unknown' }[] = [];
    if (isUnresolved(mps)) unknown.push({ path: `${path}.mountPoints`, reason: mps.unresolved });
    else if (Array.isArray(mps)) {
      mps.forEach((mp: unknown, j) => {
        const source = field(mp, 'sourceVolume');
        const ro = field(mp, 'readOnly');
        if (isUnresolved(mp) || isUnresolved(source)) {
          unknown.push({ path: `${path}.mountPoints[${j}]`, reason: isUnresolved(mp) ? mp.unresolved : (source as { unresolved: string }).unresolved });
          return;
        }
        if (typeof source !== 'string') return;
        list.push({ volume: source, writable: isUnresolved(ro) ? 'unknown' : ro !== true });
      });
    }
    own.set(label, list);
  }
  const add = (volume: string, m: Mount) => {
    let l = byVolume.get(volume);
    if (!l) byVolume.set(volume, (l = []));
    l.push(m);
  };
  for (const { container, label } of read.containers) {
    for (const m of own.get(label) ?? []) add(m.volume, { container: label, writable: m.writable });
    const from: unknown = container.volumesFrom;
    if (!Array.isArray(from)) continue;
    for (const vf of from as unknown[]) {
      const src = field(vf, 'sourceContainer');
      const ro = field(vf, 'readOnly');
      if (typeof src !== 'string') continue;
      for (const m of own.get(src) ?? []) {
        const writable = ro === true || m.writable === false ? false : m.writable === 'unknown' || isUnresolved(ro) ? 'unknown' : true;
        add(m.volume, { container: label, writable });
      }
    }
  }
  return { byVolume, unknown };
}

export const ecsg04: Control = {
  id: 'ECSG.4',
  set: 'extra',
  title: 'ECS task definitions should not bind-mount sensitive host paths into containers',
  severity: 'HIGH',
  resourceTypes: ['AWS::ECS::TaskDefinition'],
  fields: ['volumes', 'host', 'sourcePath', 'dockerVolumeConfiguration', 'mountPoints', 'volumesFrom', 'readOnly'],
  configRule: null,
  enabledByDefault: true,
  parameters: {
    sensitiveHostPaths: {
      type: 'string[]',
      default: DEFAULT_SENSITIVE_HOST_PATHS,
      description: 'Absolute host paths that must not be mounted; a path inside one, or containing one, counts too.',
      validate: (v) => (Array.isArray(v) && v.every((p) => typeof p === 'string' && p.trim().startsWith('/')) ? null : 'sensitiveHostPaths must be a list of absolute paths'),
    },
    allowReadOnly: {
      type: 'boolean',
      default: false,
      description: 'Accept read-only mounts of sensitive paths (never of a container runtime socket).',
    },
  },
  docs: {
    checks: 'Finds the host paths a task definition binds: volumes[].host.sourcePath, and dockerVolumeConfiguration volumes of the local driver with driverOpts o=bind and a device. A path is sensitive when, after resolving "." and "..", it equals an entry of sensitiveHostPaths, lies inside one, or contains one (mounting /var exposes /var/lib/docker). The defaults are /, /etc, /root, /boot, /dev, /proc, /sys, /lib/modules, the Docker and containerd sockets and run directories (/var/run/docker.sock, /run/containerd ...), /var/lib/docker, /var/lib/containerd, /var/lib/ecs and /var/lib/kubelet, plus the Windows \\\\.\\pipe\\docker_engine pipe. Such a volume fails when a container mounts it (mountPoints, or volumesFrom of a container that does); the reason says whether it is writable (readOnly not true), which is worse. allowReadOnly true accepts read-only mounts, except of a container runtime socket, which read-only does not protect. A sensitive volume that no container mounts passes; a task definition without bind-mounted host paths gets no finding.',
    why: "A bind mount puts the host's own files inside the container. The Docker or containerd socket is the runtime's full API: whoever reaches it starts a privileged container with the host's root file system and owns the instance, read-only mount or not. /etc and /root hold the host's users, keys and the ECS agent's configuration; /var/lib/ecs and /var/lib/docker hold other tasks' data and credentials; writable /proc and /sys reach kernel settings. Any flaw in the application then becomes a compromise of the instance and of every task on it.",
    fix: 'Remove the volume or the mount point in a new task definition revision. When a monitoring agent needs host data, mount the narrowest path it needs (a single file or /proc/self-equivalent directory), set readOnly: true on the mount point, and keep the agent in its own task definition. Never mount a container runtime socket into an application container; if a CI runner needs to build images, use a rootless builder (BuildKit rootless, kaniko) or a dedicated instance.',
    snippet: `{
  "family": "log-shipper",
  "volumes": [
    { "name": "app-logs", "host": { "sourcePath": "/var/log/app" } }
  ],
  "containerDefinitions": [
    {
      "name": "shipper",
      "image": "public.ecr.aws/aws-observability/aws-for-fluent-bit@sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945",
      "mountPoints": [
        { "sourceVolume": "app-logs", "containerPath": "/logs", "readOnly": true }
      ]
    }
  ]
}`,
    cloudformation: `Resources:
  TaskDefinition:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: log-shipper
      Volumes:
        - Name: app-logs
          Host:
            SourcePath: /var/log/app
      ContainerDefinitions:
        - Name: shipper
          Image: public.ecr.aws/aws-observability/aws-for-fluent-bit@sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945
          MountPoints:
            - SourceVolume: app-logs
              ContainerPath: /logs
              ReadOnly: true`,
    terraform: `resource "aws_ecs_task_definition" "log_shipper" {
  family = "log-shipper"

  volume {
    name      = "app-logs"
    host_path = "/var/log/app"
  }

  container_definitions = jsonencode([
    {
      name        = "shipper"
      image       = "public.ecr.aws/aws-observability/aws-for-fluent-bit@sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945"
      mountPoints = [{ sourceVolume = "app-logs", containerPath = "/logs", readOnly = true }]
    }
  ])
}`,
    falsePositives: 'Host monitoring agents (Datadog, the CloudWatch agent, cAdvisor, node exporters) read /proc, /sys/fs/cgroup and sometimes the Docker socket by design. Run them as their own daemon task definition, mount read-only, and either record an exception or set allowReadOnly for the scan that covers them; the Docker socket still fails, which is the point. A path that only looks sensitive (a /etc/myapp folder created for the task) can be mounted from elsewhere, such as /opt/myapp.',
  },
  mappings: { nist80053r5: [], pciDss401: [] },
  peers: [],
  messages: {
    ...COMMON_MESSAGES,
    runtimeSocketMounted: "volume '{volume}' mounts host path {hostPath}{relation}, which hands the container runtime's socket to {containers}: whoever reaches it controls the host, read-only or not; remove it",
    sensitivePathWritable: "volume '{volume}' mounts host path {hostPath}{relation} writable into {containers}; remove it, or mount a narrower path with readOnly: true",
    sensitivePathReadOnly: "volume '{volume}' mounts host path {hostPath}{relation} read-only into {containers}; remove it or mount a narrower path",
    hostPathUnknown: "volume #{index}: its host path is unknown: {reason}",
    mountUnknown: "volume '{volume}' binds host path {hostPath}, and whether a container mounts it is unknown: {reason}",
    sensitivePathMounted: "volume '{volume}' mounts host path {hostPath}{relation} into {containers}; remove it, or mount a narrower path with readOnly: true",
    noSensitiveMount: 'no container mounts a sensitive host path ({count} bind-mounted volumes)',
  },
  evaluate(resource: Resource, params: ControlParams): Evaluation[] {
    const td = resource.properties as TaskDefinition;
    const sensitive = (params.sensitiveHostPaths as string[] | undefined) ?? DEFAULT_SENSITIVE_HOST_PATHS;
    const allowReadOnly = params.allowReadOnly === true;
    const volumes: unknown = td.volumes;
    if (isUnresolved(volumes)) return [unknownField('volumes', volumes.unresolved)];
    if (!Array.isArray(volumes) || volumes.length === 0) return [];
    const { byVolume, unknown: mountsUnknown } = mountsByVolume(td);
    const containersKnown: unknown = td.containerDefinitions;
    const failed: Evaluation[] = [];
    const soft: Evaluation[] = [];
    let binds = 0;
    volumes.forEach((v: unknown, i) => {
      if (isUnresolved(v)) { soft.push(unknownField(`volumes[${i}]`, v.unresolved)); return; }
      const host = hostPathOf(v, i);
      if (!host) return;
      binds++;
      const n = field(v, 'name');
      const volume = typeof n === 'string' ? n : `#${i}`;
      if ('unknown' in host) { soft.push({ status: 'NOT_AVAILABLE', messageId: 'hostPathUnknown', data: { index: i, reason: host.unknown }, path: host.apiPath }); return; }
      const match = sensitiveMatch(host.path, sensitive);
      if (!match) return;
      const mounts = typeof n === 'string' ? byVolume.get(n) ?? [] : [];
      if (mounts.length === 0) {
        const reason = isUnresolved(containersKnown) ? containersKnown.unresolved : mountsUnknown[0]?.reason;
        if (reason) soft.push({ status: 'NOT_AVAILABLE', messageId: 'mountUnknown', data: { volume, hostPath: host.path.trim(), reason }, path: host.apiPath });
        return;
      }
      const names = (ms: Mount[]) => ms.map((m) => `'${m.container}'`).join(', ');
      const writable = mounts.filter((m) => m.writable === true);
      const unsure = mounts.filter((m) => m.writable === 'unknown');
      const relation = match.relation === 'inside' ? ` (inside ${match.entry})` : match.relation === 'contains' ? ` (which contains ${match.entry})` : '';
      const data = { volume, hostPath: host.path.trim(), relation };
      if (match.socket) failed.push({ status: 'FAILED', messageId: 'runtimeSocketMounted', data: { ...data, containers: names(mounts) }, path: host.apiPath });
      else if (writable.length) failed.push({ status: 'FAILED', messageId: 'sensitivePathWritable', data: { ...data, containers: names(writable) }, path: host.apiPath });
      else if (unsure.length && !allowReadOnly) soft.push({ status: 'FAILED', messageId: 'sensitivePathMounted', data: { ...data, containers: names(mounts) }, path: host.apiPath });
      else if (unsure.length) soft.push({ status: 'NOT_AVAILABLE', messageId: 'mountUnknown', data: { volume, hostPath: host.path.trim(), reason: 'a mount point\'s readOnly is unknown' }, path: host.apiPath });
      else if (!allowReadOnly) soft.push({ status: 'FAILED', messageId: 'sensitivePathReadOnly', data: { ...data, containers: names(mounts) }, path: host.apiPath });
    });
    // Sockets and writable mounts first: the finding's reason names the worst.
    const out = [...failed, ...soft];
    if (out.length === 0) return binds ? [{ status: 'PASSED', messageId: 'noSensitiveMount', data: { count: binds }, path: null }] : [];
    return out;
  },
};
