/**
 * What `ecsguard fix` changes, independent of any file format: for each FAILED control on a
 * resource, a list of edits (`FixOp`s) on the resource's ECS API properties, what a human must
 * still do, or why it is not changed automatically.
 *
 * The ops name ECS API paths of the resource AS READ (`containerDefinitions[1].environment[3]`),
 * never of a partly edited copy: source patchers map each path to a node of the original file
 * and edit the text there, so every op must make sense against the original. {@link applyOps}
 * applies them to a copy of the properties in an order that keeps those paths valid.
 *
 * Fixes follow the remediation each control's AWS Security Hub page gives (see
 * `ecsguard explain ECS.n`); they are deliberately the smallest change that makes the control pass.
 */
import type { ContainerDefinition, TaskDefinition } from '@aws-sdk/client-ecs';
import { isUnresolved, type Evaluation, type Resource } from '../model/index.js';
import type { Control, ControlParams } from '../controls/types.js';
import { hasUser, isLinuxRoot, isWindowsAdmin, operatingSystemOf } from '../model/task-definition.js';
import { ConfigError } from '../engine/configuration.js';

/** One edit of the ECS API properties. `path` is an ECS API path of the resource as read. */
export type FixOp =
  /** Sets the property at `path` (creating it when absent; its parent must exist) to `value`. */
  | { op: 'set'; path: string; value: FixValue }
  /** Removes the property or list item at `path`. */
  | { op: 'delete'; path: string }
  /** Appends `value` to the list at `path`, creating the list when absent. */
  | { op: 'append'; path: string; value: FixValue };

/**
 * A value a fix writes: JSON, or a {@link RegionValue} that each format spells its own way
 * (`!Ref AWS::Region` in CloudFormation, the region given with --region elsewhere).
 */
export type FixValue = string | number | boolean | null | RegionValue | FixValue[] | { [key: string]: FixValue };

/** The region the resource is deployed to, which a fix needs for `awslogs-region`. */
export interface RegionValue {
  readonly $region: true;
}

/** The region marker. */
export const REGION: RegionValue = Object.freeze({ $region: true as const });

/** True for the {@link REGION} marker. */
export function isRegionValue(v: unknown): v is RegionValue {
  return typeof v === 'object' && v !== null && (v as { $region?: unknown }).$region === true;
}

/** The fix of one control on one resource. */
export interface ControlFix {
  control: string;
  ops: FixOp[];
  /** What the fix does, one line each (`container 'web': set readonlyRootFilesystem to true`). */
  changes: string[];
  /** What a human must still do for the fixed revision to work (create the user in the image ...). */
  todo: string[];
}

/** A FAILED control that is not changed automatically, and why. */
export interface Refusal {
  control: string;
  /** The ECS API path of the failing field, when there is one. */
  path: string | null;
  reason: string;
}

/** Everything `ecsguard fix` plans for one resource. */
export interface FixPlan {
  fixes: ControlFix[];
  refused: Refusal[];
}

/** Settings of the fixes (configuration file `fix:` key, CLI flags). */
export interface FixSettings {
  /** The `user` given to Linux containers for ECS.20; default `1000:1000`. */
  linuxUser?: string;
  /** The `user` given to Windows containers for ECS.21; default `ContainerUser`. */
  windowsUser?: string;
  /** The prefix of the awslogs group for ECS.9, followed by the family; default `/ecs/`. */
  logGroupPrefix?: string;
}

/**
 * Checks fix settings: a user the controls would fail (root, UID 0, empty; ContainerAdministrator)
 * is not a fix, and a log group prefix must be a CloudWatch Logs name prefix.
 * Throws ConfigError naming the setting.
 */
export function checkFixSettings(settings: FixSettings): void {
  const { linuxUser, windowsUser, logGroupPrefix } = settings;
  if (linuxUser !== undefined && (!hasUser(linuxUser) || isLinuxRoot(linuxUser))) {
    throw new ConfigError(`linuxUser '${linuxUser}' is ${hasUser(linuxUser) ? 'root' : 'empty'}, which ECS.20 fails: give a non-root user or UID, such as 1000:1000`);
  }
  if (windowsUser !== undefined && (!hasUser(windowsUser) || isWindowsAdmin(windowsUser))) {
    throw new ConfigError(`windowsUser '${windowsUser}' is ${hasUser(windowsUser) ? 'the administrator account' : 'empty'}, which ECS.21 fails: give a non-administrator account, such as ContainerUser`);
  }
  if (logGroupPrefix !== undefined && !/^[.\-_/#A-Za-z0-9]*$/.test(logGroupPrefix)) {
    throw new ConfigError(`logGroupPrefix '${logGroupPrefix}' has characters a CloudWatch Logs group name cannot have (letters, digits, _ - / . # only)`);
  }
}

/** Defaults of {@link FixSettings}. */
export const FIX_DEFAULTS: Required<FixSettings> = { linuxUser: '1000:1000', windowsUser: 'ContainerUser', logGroupPrefix: '/ecs/' };

/** A control and its parameters, as the engine runs it. */
export interface FixableControl {
  control: Control;
  params: ControlParams;
}

type Fixer = (resource: Resource, failed: Evaluation[], settings: Required<FixSettings>) => Omit<ControlFix, 'control'> | { refuse: string };

const CONTAINER_PATH = /^containerDefinitions\[(\d+)\]/;

function containerIndex(path: string | null): number | null {
  const m = path ? CONTAINER_PATH.exec(path) : null;
  return m ? Number(m[1]) : null;
}

function containersOf(resource: Resource): ContainerDefinition[] {
  const cds: unknown = (resource.properties as TaskDefinition).containerDefinitions;
  return Array.isArray(cds) ? (cds as ContainerDefinition[]) : [];
}

function nameOf(resource: Resource, index: number): string {
  const name: unknown = containersOf(resource)[index]?.name;
  return typeof name === 'string' ? name : `#${index}`;
}

/** The distinct container indexes the evaluations point into, in order. */
function failingContainers(failed: Evaluation[]): number[] {
  return [...new Set(failed.map((e) => containerIndex(e.path)).filter((i): i is number => i !== null))].sort((a, b) => a - b);
}

function familyOf(resource: Resource): string {
  const f: unknown = (resource.properties as TaskDefinition).family;
  return typeof f === 'string' && f ? f : resource.name.split(':')[0];
}

/** Sets a container field to `value` on every failing container. */
function setOnContainers(field: string, value: FixValue, describe: (name: string) => string): Fixer {
  return (resource, failed) => {
    const idx = failingContainers(failed);
    return {
      ops: idx.map((i) => ({ op: 'set', path: `containerDefinitions[${i}].${field}`, value })),
      changes: idx.map((i) => describe(nameOf(resource, i))),
      todo: [],
    };
  };
}

const FIXERS: Record<string, Fixer> = {
  'ECS.3': () => ({
    ops: [{ op: 'delete', path: 'pidMode' }],
    changes: ["removed pidMode 'host': containers get their own process namespace"],
    todo: ['If a container needs to see the host\'s processes (a monitoring agent), run it as a daemon service of its own instead.'],
  }),
  'ECS.4': (resource, failed) => {
    const idx = failingContainers(failed);
    return {
      ops: idx.map((i) => ({ op: 'delete', path: `containerDefinitions[${i}].privileged` })),
      changes: idx.map((i) => `container '${nameOf(resource, i)}': removed privileged (false by default)`),
      todo: ['Check that each container starts without privileged; if it needs one kernel capability, add only that one in linuxParameters.capabilities.add.'],
    };
  },
  'ECS.5': (resource, failed) => {
    const idx = failingContainers(failed);
    const td = resource.properties as TaskDefinition;
    const volumes: unknown = td.volumes;
    if (isUnresolved(volumes)) return { refuse: `volumes is unknown (${volumes.unresolved}), so a scratch volume for /tmp cannot be added safely` };
    const list = Array.isArray(volumes) ? (volumes as { name?: unknown; host?: unknown; efsVolumeConfiguration?: unknown }[]) : [];
    // Reuse a plain task volume called tmp; otherwise add one under a free name.
    const plain = list.find((v) => v && v.name === 'tmp' && v.host === undefined && v.efsVolumeConfiguration === undefined && Object.keys(v).length === 1);
    let volume = 'tmp';
    if (!plain) {
      const taken = new Set(list.map((v) => v?.name));
      for (let n = 2; taken.has(volume); n++) volume = `tmp-${n}`;
    }
    const ops: FixOp[] = [];
    const changes: string[] = [];
    if (!plain) {
      ops.push({ op: 'append', path: 'volumes', value: { name: volume } });
      changes.push(`added task volume '${volume}' (no host: a scratch bind mount that lives as long as the task)`);
    }
    const cds = containersOf(resource);
    for (const i of idx) {
      ops.push({ op: 'set', path: `containerDefinitions[${i}].readonlyRootFilesystem`, value: true });
      const mps: unknown = cds[i]?.mountPoints;
      const hasTmp = Array.isArray(mps) && mps.some((m) => m && typeof m === 'object' && (m as { containerPath?: unknown }).containerPath === '/tmp');
      if (!hasTmp && !isUnresolved(mps)) {
        ops.push({ op: 'append', path: `containerDefinitions[${i}].mountPoints`, value: { sourceVolume: volume, containerPath: '/tmp', readOnly: false } });
        changes.push(`container '${nameOf(resource, i)}': set readonlyRootFilesystem to true and mounted '${volume}' at /tmp`);
      } else changes.push(`container '${nameOf(resource, i)}': set readonlyRootFilesystem to true`);
    }
    return {
      ops,
      changes,
      todo: ['Run the new revision and watch for "Read-only file system" errors: mount a volume at every other path the application writes to (caches, PID files, uploads).'],
    };
  },
  'ECS.8': (resource, failed) => {
    const cds = containersOf(resource);
    const byContainer = new Map<number, number[]>();
    for (const e of failed) {
      const m = /^containerDefinitions\[(\d+)\]\.environment\[(\d+)\]/.exec(e.path ?? '');
      if (!m) continue;
      const list = byContainer.get(Number(m[1])) ?? [];
      list.push(Number(m[2]));
      byContainer.set(Number(m[1]), list);
    }
    const ops: FixOp[] = [];
    const changes: string[] = [];
    const family = familyOf(resource);
    const td = resource.properties as TaskDefinition;
    for (const [c, entries] of [...byContainer].sort((a, b) => a[0] - b[0])) {
      const env = cds[c]?.environment as { name?: unknown }[] | undefined;
      if (!Array.isArray(env) || isUnresolved(cds[c]?.secrets)) continue;
      const names = entries.map((j) => String(env[j]?.name ?? '').trim());
      if (entries.length === env.length) ops.push({ op: 'delete', path: `containerDefinitions[${c}].environment` });
      else for (const j of [...entries].sort((a, b) => b - a)) ops.push({ op: 'delete', path: `containerDefinitions[${c}].environment[${j}]` });
      for (const name of names) {
        ops.push({ op: 'append', path: `containerDefinitions[${c}].secrets`, value: { name, valueFrom: `arn:aws:secretsmanager:REGION:ACCOUNT_ID:secret:REPLACE_ME/${family}/${name}` } });
      }
      changes.push(`container '${nameOf(resource, c)}': moved ${names.join(', ')} from environment to secrets (the values were not copied)`);
    }
    if (ops.length === 0) return { refuse: 'the flagged variables could not be located in environment' };
    const todo = [
      'Store each moved value in Secrets Manager (or SSM Parameter Store) and replace the placeholder valueFrom ARN (arn:aws:secretsmanager:REGION:ACCOUNT_ID:secret:REPLACE_ME/...) with its ARN.',
      typeof td.executionRoleArn === 'string' ? 'Allow the execution role to read those secrets (secretsmanager:GetSecretValue, and kms:Decrypt for a customer managed key).' : 'Set executionRoleArn to a role allowed to read those secrets (secretsmanager:GetSecretValue): ECS fetches secrets with the execution role.',
      'For AWS access keys: give the task an IAM role in taskRoleArn instead and delete the secret; then rotate every key that ever sat in environment, because older revisions keep it.',
    ];
    return { ops, changes, todo };
  },
  'ECS.9': (resource, failed, settings) => {
    const idx = failingContainers(failed);
    const cds = containersOf(resource);
    const group = `${settings.logGroupPrefix}${familyOf(resource)}`;
    const ops: FixOp[] = [];
    const changes: string[] = [];
    for (const i of idx) {
      const lc: unknown = cds[i]?.logConfiguration;
      const options = { 'awslogs-group': group, 'awslogs-region': REGION, 'awslogs-stream-prefix': 'ecs' };
      if (lc && typeof lc === 'object' && !isUnresolved(lc)) {
        ops.push({ op: 'set', path: `containerDefinitions[${i}].logConfiguration.logDriver`, value: 'awslogs' });
        if ((lc as { options?: unknown }).options === undefined) ops.push({ op: 'set', path: `containerDefinitions[${i}].logConfiguration.options`, value: options });
      } else ops.push({ op: 'set', path: `containerDefinitions[${i}].logConfiguration`, value: { logDriver: 'awslogs', options } });
      changes.push(`container '${nameOf(resource, i)}': logs to CloudWatch Logs (awslogs, group ${group}, stream prefix ecs)`);
    }
    return {
      ops,
      changes,
      todo: [`Create the log group ${group} (or add awslogs-create-group "true" and allow logs:CreateLogGroup), and allow the execution role logs:CreateLogStream and logs:PutLogEvents.`],
    };
  },
  'ECS.17': () => ({ refuse: "networkMode 'host' is not changed automatically: moving to awsvpc or bridge is a redesign (port mappings, security groups, ENI limits per instance). See `ecsguard explain ECS.17`." }),
  'ECS.18': (resource, failed) => {
    const paths = [...new Set(failed.map((e) => e.path).filter((p): p is string => !!p && /^volumes\[\d+\]\.efsVolumeConfiguration\.transitEncryption$/.test(p)))];
    const volumes = (resource.properties as TaskDefinition).volumes ?? [];
    return {
      ops: paths.map((path) => ({ op: 'set', path, value: 'ENABLED' })),
      changes: paths.map((p) => `volume '${volumes[Number(/\d+/.exec(p)![0])]?.name ?? p}': transitEncryption ENABLED`),
      todo: ['EFS in transit encryption needs Fargate platform version 1.4.0 or later, or the ECS agent with the EFS mount helper on EC2; the file system\'s policy may then require aws:SecureTransport.'],
    };
  },
  'ECS.20': (resource, failed, settings) =>
    withTodo(setOnContainers('user', settings.linuxUser, (n) => `container '${n}': user set to '${settings.linuxUser}'`)(resource, failed, settings), [
      `Make sure the image has the user '${settings.linuxUser}' (or change the fix's linuxUser) and that it can read the files it needs and write to its volumes; ports below 1024 need root on Linux, so listen on a higher port.`,
    ]),
  'ECS.21': (resource, failed, settings) => {
    const unset = operatingSystemOf(resource.properties as TaskDefinition) === 'UNSET';
    const ops: FixOp[] = [];
    const changes: string[] = [];
    let windows = false;
    for (const i of failingContainers(failed)) {
      const admin = failed.some((e) => containerIndex(e.path) === i && e.messageId === 'userIsAdmin');
      // Without an operating system family ECS runs the task as Linux, and ECS.20 fails a container with no
      // user too: the Linux user satisfies both. A container that names a Windows account is a Windows one.
      const user = unset && !admin ? settings.linuxUser : settings.windowsUser;
      windows ||= user === settings.windowsUser;
      ops.push({ op: 'set', path: `containerDefinitions[${i}].user`, value: user });
      changes.push(unset && !admin
        ? `container '${nameOf(resource, i)}': user '${user}' (no runtimePlatform.operatingSystemFamily: ECS runs the task as Linux)`
        : `container '${nameOf(resource, i)}': user set to '${user}'${unset ? ' (it named a Windows account; set runtimePlatform.operatingSystemFamily to its WINDOWS_SERVER_* value)' : ''}`);
    }
    const todo = windows ? [`Make sure the Windows image has the account '${settings.windowsUser}' (the Windows Server base images have ContainerUser) and that it can read and write what the application needs.`] : [];
    return { ops, changes, todo };
  },
  'ECS.2': publicIpFixer('service'),
  'ECS.16': publicIpFixer('task set'),
  'ECS.10': (_resource, failed) => {
    const path = failed.find((e) => e.path === 'platformVersion')?.path;
    if (!path) return { refuse: 'the platform version is not set on this resource' };
    return { ops: [{ op: 'set', path, value: 'LATEST' }], changes: ['platformVersion set to LATEST'], todo: ['Redeploy the service (a new deployment) so its tasks move to the latest platform version.'] };
  },
  'ECS.12': (resource) => {
    const settings: unknown = (resource.properties as { settings?: unknown }).settings;
    if (isUnresolved(settings)) return { refuse: `settings is unknown: ${settings.unresolved}` };
    const list = Array.isArray(settings) ? (settings as { name?: unknown }[]) : [];
    const i = list.findIndex((s) => s && s.name === 'containerInsights');
    const ops: FixOp[] = i >= 0 ? [{ op: 'set', path: `settings[${i}].value`, value: 'enabled' }] : [{ op: 'append', path: 'settings', value: { name: 'containerInsights', value: 'enabled' } }];
    return { ops, changes: ['Container Insights enabled on the cluster'], todo: ['Container Insights metrics are billed as CloudWatch custom metrics.'] };
  },
};

function withTodo(fix: ReturnType<Fixer>, todo: string[]): ReturnType<Fixer> {
  return 'refuse' in fix ? fix : { ...fix, todo: [...fix.todo, ...todo] };
}

function publicIpFixer(kind: string): Fixer {
  return (_resource, failed) => {
    const path = failed.find((e) => e.path?.endsWith('assignPublicIp'))?.path;
    if (!path) return { refuse: 'assignPublicIp could not be located' };
    return {
      ops: [{ op: 'set', path, value: 'DISABLED' }],
      changes: [`${kind}: assignPublicIp DISABLED`],
      todo: ['Tasks without a public IP reach ECR, CloudWatch Logs and Secrets Manager through a NAT gateway or VPC endpoints: check the subnets have one before deploying; put a load balancer in front for inbound traffic.'],
    };
  };
}

/** The IDs of the controls `ecsguard fix` can change automatically. */
export const FIXABLE_CONTROLS: readonly string[] = Object.keys(FIXERS).filter((id) => id !== 'ECS.17');

/**
 * Plans the fixes of `resource`: runs each control, and for every one that is FAILED either plans
 * its fix or says why it is not changed. Controls that pass or are NOT_AVAILABLE are left alone
 * (an unknown value is never overwritten), and so are controls in `suppressed` (control ID ->
 * the suppression's reason), which are listed as not changed. Settings are not checked here (it
 * runs once per resource): callers check them once with {@link checkFixSettings}, as fixPaths and
 * planRollout do. Resources with undecidable conditions (`variants`)
 * are planned on their first reading; the source patchers refuse paths under an intrinsic.
 */
export function planFixes(resource: Resource, controls: readonly FixableControl[], settings: FixSettings = {}, suppressed?: ReadonlyMap<string, string>): FixPlan {
  const s: Required<FixSettings> = { ...FIX_DEFAULTS, ...Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined)) };
  const plan: FixPlan = { fixes: [], refused: [] };
  for (const { control, params } of controls) {
    if (!control.resourceTypes.includes(resource.type)) continue;
    const failed = control.evaluate(resource, params).filter((e) => e.status === 'FAILED');
    if (failed.length === 0) continue;
    // An accepted exception is not "fixed" behind the team's back: it stays as it is, and says so.
    const accepted = suppressed?.get(control.id);
    if (accepted !== undefined) {
      plan.refused.push({ control: control.id, path: failed[0].path, reason: `suppressed (${accepted}): not changed; remove the suppression to have it fixed` });
      continue;
    }
    const fixer = FIXERS[control.id];
    if (!fixer) {
      plan.refused.push({ control: control.id, path: failed[0].path, reason: `no automatic fix for ${control.id}: ${firstSentence(control.docs.fix)} (ecsguard explain ${control.id})` });
      continue;
    }
    const out = fixer(resource, failed, s);
    if (!('refuse' in out)) {
      // Two controls may ask for the same edit (ECS.20 and ECS.21 on a task definition without an OS): make it once.
      const wanted = new Set(out.ops.map((o) => JSON.stringify(o)));
      const same = plan.fixes.find((f) => f.ops.some((o) => wanted.has(JSON.stringify(o))));
      const done = new Set(plan.fixes.flatMap((f) => f.ops.map((o) => JSON.stringify(o))));
      out.ops = out.ops.filter((o) => !done.has(JSON.stringify(o)));
      if (out.ops.length === 0 && out.changes.length) {
        plan.fixes.push({ control: control.id, ops: [], changes: out.changes.map((c) => `${c}, the same edit as ${same?.control ?? 'above'}`), todo: out.todo });
        continue;
      }
    }
    if ('refuse' in out) plan.refused.push({ control: control.id, path: failed[0].path, reason: out.refuse });
    else if (out.ops.length) plan.fixes.push({ control: control.id, ...out });
    else plan.refused.push({ control: control.id, path: failed[0].path, reason: 'the failing fields could not be located' });
  }
  return plan;
}

/** A parsed ECS API path: keys and list indexes. */
export type PathPart = string | number;

/** Splits `containerDefinitions[1].logConfiguration.options` into `['containerDefinitions', 1, 'logConfiguration', 'options']`. */
export function parsePath(path: string): PathPart[] {
  const out: PathPart[] = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) out.push(m[2] !== undefined ? Number(m[2]) : m[1]);
  return out;
}

/**
 * The order in which ops apply without invalidating each other's paths: sets and appends first
 * (they never shift list indexes), then deletes, deepest path and highest index first.
 */
export function orderOps(ops: readonly FixOp[]): FixOp[] {
  const rank = (o: FixOp) => (o.op === 'delete' ? 1 : 0);
  return [...ops].sort((a, b) => {
    if (rank(a) !== rank(b)) return rank(a) - rank(b);
    if (a.op !== 'delete') return 0;
    const pa = parsePath(a.path);
    const pb = parsePath(b.path);
    for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
      if (pa[i] === pb[i]) continue;
      if (typeof pa[i] === 'number' && typeof pb[i] === 'number') return (pb[i] as number) - (pa[i] as number);
      return 0;
    }
    return pb.length - pa.length;
  });
}

/**
 * Applies `ops` to a deep copy of `properties` (ECS API shape) and returns it. `region` replaces
 * the {@link REGION} marker (left as the marker when undefined). Throws Error when a path's
 * parent does not exist or is not an object/list: a plan made for other properties.
 */
export function applyOps<T>(properties: T, ops: readonly FixOp[], region?: string): T {
  const copy = structuredClone(properties) as unknown;
  for (const o of orderOps(ops)) {
    const parts = parsePath(o.path);
    const last = parts.pop()!;
    let parent: unknown = copy;
    for (const p of parts) {
      parent = (parent as Record<string | number, unknown>)?.[p];
    }
    if (typeof parent !== 'object' || parent === null) throw new Error(`fix: cannot apply ${o.op} at ${o.path}: its parent is missing`);
    const holder = parent as Record<string | number, unknown>;
    if (o.op === 'delete') {
      if (Array.isArray(holder) && typeof last === 'number') holder.splice(last, 1);
      else delete holder[last];
    } else if (o.op === 'set') holder[last] = materialise(o.value, region);
    else {
      const list = holder[last];
      if (Array.isArray(list)) list.push(materialise(o.value, region));
      else holder[last] = [materialise(o.value, region)];
    }
  }
  return copy as T;
}

/** Replaces the region marker in `value` by `region` (kept as is when undefined). */
export function materialise(value: FixValue, region?: string): unknown {
  if (isRegionValue(value)) return region ?? value;
  if (Array.isArray(value)) return value.map((v) => materialise(v, region));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, materialise(v, region)]));
  return value;
}

/** The first sentence of a paragraph (up to the first full stop followed by a space). */
function firstSentence(text: string): string {
  const m = /^(.+?[.!?])(\s|$)/s.exec(text);
  return (m ? m[1] : text).replace(/\s+/g, ' ');
}
