/**
 * Rolling out task definition fixes on a live account (`ecsguard fix --aws`).
 *
 * {@link planRollout} reads the account as the live scan does (src/sources/aws: read-only, adaptive
 * retries, faults as values) and, for the latest ACTIVE revision of each task definition family,
 * plans the fixes of the FAILED controls ({@link planFixes}) and builds the hardened
 * RegisterTaskDefinition input from the described revision: `toRegisterInput(applyOps(td, ops,
 * region), tags)`, which carries over every field register accepts (roles, volumes, runtime
 * platform, placement constraints, proxy configuration, ephemeral storage, pid and ipc mode,
 * inference accelerators, cpu and memory, compatibilities, tags). It finds the services of every
 * cluster of the region whose task definition is a revision of the family. It makes no write call.
 *
 * {@link applyRollout} then, family by family: RegisterTaskDefinition, UpdateService
 * `{ taskDefinition: <new ARN>, forceNewDeployment: true }` for each service of the family, and,
 * when asked, DeregisterTaskDefinition of the replaced revision once every service that ran it
 * was updated. A failure in one family never stops the others.
 *
 * Only task definition fixes are rolled out. Service, cluster and task set fixes (ECS.2, ECS.10,
 * ECS.12, ECS.16 ...) are reported, to be made where those resources are defined: changing them
 * live would be undone by the next deployment of their template.
 *
 * AWS API references followed: RegisterTaskDefinition, DescribeTaskDefinition, UpdateService
 * (deployment controller restrictions), DeregisterTaskDefinition (INACTIVE revisions) in the
 * Amazon ECS API Reference, https://docs.aws.amazon.com/AmazonECS/latest/APIReference/.
 */
import {
  DeregisterTaskDefinitionCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
  type ECSClientConfig,
  type RegisterTaskDefinitionCommandInput,
  type Service,
  type Tag,
  type TaskDefinition,
  type TaskSet,
} from '@aws-sdk/client-ecs';
import { activeControls, type EngineOptions } from '../engine/configuration.js';
import { isUnresolved, type Resource } from '../model/index.js';
import { AwsUsageError, checkAwsScanOptions, collectAws, resolveIdentity, type AwsIdentity, type AwsScanOptions } from '../sources/aws/index.js';
import { describeError, failureScope, hintFor } from '../sources/aws/errors.js';
import { arnParts, identityOptions } from '../sources/aws/identity.js';
import { shortName } from '../sources/aws/resources.js';
import { applyOps, planFixes, type FixableControl, type FixSettings, type Refusal } from './plan.js';
import { toRegisterInput } from './register.js';

/** The write actions a rollout makes. */
export type RolloutAction = 'RegisterTaskDefinition' | 'UpdateService' | 'DeregisterTaskDefinition';

/**
 * The IAM actions `ecsguard fix --aws --apply` needs besides the scan's read actions
 * (`REQUIRED_IAM_ACTIONS` of src/sources/aws/limits.ts). `iam:PassRole` is needed on the task
 * role and the execution role of every revision registered; `ecs:TagResource` when the revision has
 * tags (ECS authorizes tag-on-create separately: "Grant permission to tag resources on creation",
 * Amazon ECS Developer Guide).
 */
export const ROLLOUT_IAM_ACTIONS: readonly string[] = ['ecs:RegisterTaskDefinition', 'ecs:TagResource', 'ecs:UpdateService', 'ecs:DeregisterTaskDefinition', 'iam:PassRole'];

/**
 * Controls whose fix is never rolled out live, and why. ECS.8's fix moves values to `secrets`
 * with placeholder ARNs (REPLACE_ME): ECS cannot resolve them, so every new task would fail to start.
 */
export const NOT_ROLLED_OUT: Readonly<Record<string, string>> = {
  'ECS.8': 'not rolled out live: the fix moves the values to secrets with placeholder ARNs (REPLACE_ME) that ECS cannot resolve, so new tasks would fail to start. Store each value in Secrets Manager first, then register a revision whose secrets name the real ARNs (or run `ecsguard fix` on the source that defines the task definition).',
};

/** Options of {@link planRollout}: where and as whom to read (as for the live scan), what to fix. */
export interface RolloutOptions extends Omit<AwsScanOptions, 'allRevisions'>, Omit<EngineOptions, 'allRevisions'>, FixSettings {
  /** Only these task definition families (exact names); default every ACTIVE family. */
  families?: string[];
  /** Plan a DeregisterTaskDefinition of each replaced revision (see {@link applyRollout}). */
  deregisterPrevious?: boolean;
}

/** Options of {@link applyRollout}: the credential and client options of {@link RolloutOptions}, and a call observer. */
export interface ApplyRolloutOptions extends Partial<Omit<RolloutOptions, 'regions' | 'families' | 'onProgress'>> {
  /**
   * Called when a call starts (`status: 'running'`) and when it ends (`ok`, `failed`, or `not
   * made` with the reason), so a CLI can print each call as it is made. Exceptions it throws are ignored.
   */
  onCall?: (call: RolloutCall, family: FamilyRollout) => void;
}

/** One write call of the rollout, planned or made. */
export interface RolloutCall {
  action: RolloutAction;
  region: string;
  /**
   * The call as printed: `RegisterTaskDefinition family=web (revision 8 -> new)`,
   * `UpdateService cluster=prod service=web taskDefinition=arn:...:web:9 forceNewDeployment=true`,
   * `DeregisterTaskDefinition taskDefinition=arn:...:web:8`.
   */
  text: string;
  /** `planned` (dry run), `running`, `ok`, `failed`, or `not made` (see `error` for why). */
  status: 'planned' | 'running' | 'ok' | 'failed' | 'not made';
  /** For RegisterTaskDefinition once made: the new revision's ARN. */
  result: string | null;
  /** Why the call failed or was not made; null otherwise. */
  error: string | null;
  /** For UpdateService: the service's ARN. */
  service?: string;
}

/** A service whose task definition is a revision of the family. */
export interface ServiceRollout {
  /** ARNs and names of the cluster and the service. */
  cluster: string;
  clusterName: string;
  service: string;
  serviceName: string;
  /** The revision it runs now (ARN, as DescribeServices gives it). */
  taskDefinition: string;
  revision: number | null;
  /** Whether UpdateService is (or was) called for it. */
  update: boolean;
  /** Why it is not updated, or what else its update deploys; null when there is nothing to say. */
  note: string | null;
  /** `planned` (dry run), `updated`, `failed`, or `not updated`. */
  outcome: 'planned' | 'updated' | 'failed' | 'not updated';
}

/** The rollout of one task definition family in one region. */
export interface FamilyRollout {
  region: string;
  family: string;
  /** The revision the fixes start from: the family's latest ACTIVE revision (ARN). */
  from: string;
  fromRevision: number;
  /** The registered revision's ARN, once registered; null in a dry run or when nothing is registered. */
  to: string | null;
  /**
   * The RegisterTaskDefinition input: the described revision, every register field kept, with the
   * fixes applied; null when no fix applies (only refused controls) or the family could not be read.
   * It holds environment values as they are: never print it.
   */
  registerInput: RegisterTaskDefinitionCommandInput | null;
  /** The controls the new revision fixes. */
  fixed: string[];
  /** What the new revision changes, one line each, prefixed with the control (`ECS.20: container 'web': user set to '1000:1000'`). */
  changes: string[];
  /** What a human must still do for the new revision to work, and services to move by other means. */
  todo: string[];
  /** FAILED controls that are not changed automatically, and why. */
  refused: Refusal[];
  services: ServiceRollout[];
  /**
   * DeregisterTaskDefinition of `from`: `requested` with deregisterPrevious; `kept` says why it is
   * (to be) kept when requested, null when it is (to be) deregistered; `blocker` is what keeps it
   * whatever the updates do (a service this rollout does not move or a task set still runs it, the
   * region's services could not all be read), found when planning, null when nothing does.
   */
  deregister: { requested: boolean; kept: string | null; blocker: string | null };
  calls: RolloutCall[];
  /** Why the family cannot be rolled out (it could not be described, the plan failed); null when fine. */
  error: string | null;
}

/** A fix of a service, cluster, task set or capacity provider: reported, never applied live. */
export interface ElsewhereFix {
  region: string;
  resource: { type: string; id: string; name: string };
  control: string;
  changes: string[];
}

/** A problem reading the account (access denied on one action, a region that failed ...). */
export interface RolloutError {
  /** `aws://ACCOUNT/REGION`, or `--family` for a family found nowhere. */
  where: string;
  message: string;
}

/** What {@link planRollout} returns and {@link applyRollout} fills in. */
export interface RolloutPlan {
  mode: 'dry-run' | 'apply';
  account: string;
  regions: string[];
  /** Whether DeregisterTaskDefinition of replaced revisions was asked for. */
  deregisterPrevious: boolean;
  /** Families with something to fix or refused, by region (in the order given), then family name. */
  families: FamilyRollout[];
  /** Families read whose latest ACTIVE revision passes every control that was run. */
  clean: number;
  /** Fixes of other resources, to be made in their source. */
  elsewhere: ElsewhereFix[];
  errors: RolloutError[];
}

const FAMILY_NAME = /^[A-Za-z0-9_-]{1,255}$/;

/** Read errors after which a service or task set of the region may be unknown (messages of src/sources/aws/region.ts). */
const SERVICE_READS = /^(ListClusters|ListServices|DescribeServices|DescribeTaskSets) failed/;

/** The family and revision of a task definition ARN (or `family:revision`), or null. */
export function taskDefinitionRef(ref: string): { family: string; revision: number | null } | null {
  const resource = ref.startsWith('arn:') ? arnParts(ref)?.resource.replace(/^task-definition\//, '') : ref;
  if (!resource) return null;
  const m = /^([A-Za-z0-9_-]+)(?::(\d+))?$/.exec(resource);
  return m ? { family: m[1], revision: m[2] !== undefined ? Number(m[2]) : null } : null;
}

/** The `RegisterTaskDefinition family=web (revision 8 -> new)` line. */
function registerText(family: string, revision: number): string {
  return `RegisterTaskDefinition family=${family} (revision ${revision} -> new)`;
}

function updateText(s: ServiceRollout, taskDefinition: string): string {
  return `UpdateService cluster=${s.clusterName} service=${s.serviceName} taskDefinition=${taskDefinition} forceNewDeployment=true`;
}

function deregisterText(arn: string): string {
  return `DeregisterTaskDefinition taskDefinition=${arn}`;
}

function call(action: RolloutAction, region: string, text: string, status: RolloutCall['status'], extra: Partial<RolloutCall> = {}): RolloutCall {
  return { action, region, text, status, result: null, error: null, ...extra };
}

/** Which controls run, as planFixes takes them. Throws ConfigError. */
function fixableControls(options: RolloutOptions): FixableControl[] {
  return activeControls({ controls: options.controls, skipControls: options.skipControls, parameters: options.parameters }).map(({ control, params }) => ({ control, params }));
}

/** The region of a resource read live. */
function regionOf(r: Resource): string {
  return r.origin.kind === 'aws' ? r.origin.region : '';
}

/** What the plan knows about one region after the read. */
interface RegionRead {
  taskDefinitions: Resource[];
  services: Resource[];
  taskSets: Resource[];
  others: Resource[];
  /** Why the region's services may not all be known (a read failed), or null. */
  incomplete: string | null;
}

/**
 * Plans the rollout: reads the account (read-only: the live scan's ListTaskDefinitionFamilies,
 * DescribeTaskDefinition with TAGS, ListClusters, DescribeClusters, ListServices, DescribeServices,
 * DescribeTaskSets, DescribeCapacityProviders, and STS GetCallerIdentity or AssumeRole), and for
 * the latest ACTIVE revision of each family (or of `families`) plans its fixes, the new revision's
 * RegisterTaskDefinition input, the services to update and the calls to make.
 *
 * Read faults are values (`errors`; a family whose revision could not be described gets `error`).
 * Throws {@link AwsUsageError} (a ConfigError) for invalid options or family names, ConfigError for
 * unknown controls, and AwsCredentialsError when there are no usable credentials.
 */
export async function planRollout(options: RolloutOptions): Promise<RolloutPlan> {
  const regions = checkAwsScanOptions({ ...options, allRevisions: false });
  const families = options.families ? [...new Set(options.families.map((f) => f.trim()).filter(Boolean))] : null;
  for (const f of families ?? []) if (!FAMILY_NAME.test(f)) throw new AwsUsageError(`--family '${f}' is not a task definition family name (up to 255 letters, digits, hyphens and underscores)`);
  const controls = fixableControls(options);
  const identity = await resolveIdentity(identityOptions(options, regions[0], options.maxAttempts ?? 8, options.requestTimeoutMs));

  const byRegion = new Map<string, RegionRead>(regions.map((r) => [r, { taskDefinitions: [], services: [], taskSets: [], others: [], incomplete: null }]));
  // The identity is resolved once: the scan reuses its credentials (and the apply, through CONTEXTS).
  const outcome = await collectAws({
    regions,
    credentials: identity.credentials,
    account: identity.account,
    endpoint: options.endpoint,
    concurrency: options.concurrency,
    regionConcurrency: options.regionConcurrency,
    maxAttempts: options.maxAttempts,
    retryMode: options.retryMode,
    requestTimeoutMs: options.requestTimeoutMs,
    onProgress: options.onProgress,
  }, (r) => {
    const read = byRegion.get(regionOf(r));
    if (!read) return;
    if (r.type === 'AWS::ECS::TaskDefinition') read.taskDefinitions.push(r);
    else if (r.type === 'AWS::ECS::Service') read.services.push(r);
    else if (r.type === 'AWS::ECS::TaskSet') read.taskSets.push(r);
    else read.others.push(r);
  });

  const errors: RolloutError[] = outcome.errors.map((e) => ({ where: e.file, message: e.message }));
  for (const summary of outcome.regions) {
    const read = byRegion.get(summary.region);
    if (!read) continue;
    const file = `aws://${identity.account}/${summary.region}`;
    // Fail closed: when the services (or task sets) of the region may not all be known, a replaced revision may still be in use.
    const servicesMissed = outcome.errors.filter((e) => e.file === file && SERVICE_READS.test(e.message)).length;
    const undescribed = read.services.filter((s) => isUnresolved(s.properties)).map((s) => s.name);
    if (summary.failed) read.incomplete = `the region could not be read completely (${summary.failed})`;
    else if (undescribed.length) read.incomplete = `service ${undescribed.join(', ')} could not be described, and may run it`;
    else if (servicesMissed) read.incomplete = 'the services of the region could not all be read, and one may run it';
  }

  const plan: RolloutPlan = { mode: 'dry-run', account: identity.account, regions, deregisterPrevious: options.deregisterPrevious === true, families: [], clean: 0, elsewhere: [], errors };
  const found = new Set<string>();
  for (const region of regions) {
    const read = byRegion.get(region)!;
    const wantedFamilies = new Set<string>();
    const tds = [...read.taskDefinitions].sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
    for (const td of tds) {
      const family = familyOfResource(td);
      if (families && !families.includes(family)) continue;
      found.add(family);
      wantedFamilies.add(family);
      const rollout = planFamily(td, family, region, read, controls, options);
      if (rollout) plan.families.push(rollout);
      else plan.clean++;
    }
    plan.elsewhere.push(...elsewhereFixes(region, read, controls, options, families ? wantedFamilies : null));
  }
  for (const f of families ?? []) {
    if (!found.has(f)) errors.push({ where: '--family', message: `task definition family '${f}' has no ACTIVE revision in ${regions.join(', ')}` });
  }
  CONTEXTS.set(plan, { identity, endpoint: options.endpoint, retryMode: options.retryMode, maxAttempts: options.maxAttempts, requestTimeoutMs: options.requestTimeoutMs });
  return plan;
}

/**
 * What a plan was read with: its identity, so that applying it reuses the credentials (and assumes
 * no role twice), and its endpoint and retry settings, so that its calls go where it was read.
 */
interface PlanContext {
  identity: AwsIdentity;
  endpoint?: string;
  retryMode?: 'adaptive' | 'standard';
  maxAttempts?: number;
  requestTimeoutMs?: number;
}
const CONTEXTS = new WeakMap<RolloutPlan, PlanContext>();

function familyOfResource(r: Resource): string {
  const f: unknown = isUnresolved(r.properties) ? undefined : (r.properties as TaskDefinition).family;
  if (typeof f === 'string' && f) return f;
  return taskDefinitionRef(r.id)?.family ?? r.name.split(':')[0];
}

/** The rollout of one family, or null when there is nothing to fix or report. */
function planFamily(td: Resource, family: string, region: string, read: RegionRead, controls: FixableControl[], options: RolloutOptions): FamilyRollout | null {
  const props = td.properties as TaskDefinition & { tags?: Tag[] };
  const ref = taskDefinitionRef(td.id);
  const fromRevision = typeof props.revision === 'number' ? props.revision : ref?.revision ?? 0;
  const rollout: FamilyRollout = {
    region, family, from: td.id, fromRevision, to: null, registerInput: null, fixed: [], changes: [], todo: [], refused: [], services: [],
    deregister: { requested: options.deregisterPrevious === true, kept: null, blocker: null }, calls: [], error: null,
  };
  if (isUnresolved(td.properties)) {
    rollout.error = `the latest ACTIVE revision could not be read: ${td.properties.unresolved}`;
    rollout.deregister.blocker = 'kept: the family could not be read';
    rollout.deregister.kept = options.deregisterPrevious ? rollout.deregister.blocker : null;
    return rollout;
  }

  const fixPlan = planFixes(td, controls, options);
  rollout.refused = [...fixPlan.refused];
  const fixes = fixPlan.fixes.filter((f) => {
    const why = NOT_ROLLED_OUT[f.control];
    if (why) rollout.refused.push({ control: f.control, path: f.ops[0]?.path ?? null, reason: why });
    return !why;
  });
  rollout.refused.sort((a, b) => a.control.localeCompare(b.control, 'en', { numeric: true }));
  if (fixes.length === 0 && rollout.refused.length === 0) return null;
  rollout.services = servicesOf(family, fromRevision, read);
  if (fixes.length === 0) {
    for (const s of rollout.services) {
      s.update = false;
      s.outcome = 'not updated';
      s.note = 'no new revision: nothing in the family is fixed automatically';
    }
    rollout.deregister.blocker = 'kept: no new revision replaces it';
    rollout.deregister.kept = options.deregisterPrevious ? rollout.deregister.blocker : null;
    return rollout;
  }

  try {
    const ops = fixes.flatMap((f) => f.ops);
    const hardened = applyOps(props, ops, region);
    // The fixes must make their controls pass on the new revision, or nothing is registered.
    const check: Resource = { ...td, properties: hardened };
    const still = fixes.filter((f) => {
      const c = controls.find((x) => x.control.id === f.control);
      return c && c.control.evaluate(check, c.params).some((e) => e.status === 'FAILED');
    });
    if (still.length) throw new Error(`the planned fix of ${still.map((f) => f.control).join(', ')} does not make it pass on the new revision`);
    rollout.registerInput = toRegisterInput(hardened, props.tags);
  } catch (e) {
    rollout.error = `no revision planned: ${(e as Error).message}`;
    return rollout;
  }
  rollout.fixed = fixes.map((f) => f.control);
  rollout.changes = fixes.flatMap((f) => f.changes.map((c) => `${f.control}: ${c}`));
  rollout.todo = [...new Set(fixes.flatMap((f) => f.todo))];
  for (const s of rollout.services) if (!s.update && s.note) rollout.todo.push(`Service ${s.clusterName}/${s.serviceName}: ${s.note}`);

  rollout.calls.push(call('RegisterTaskDefinition', region, registerText(family, fromRevision), 'planned'));
  for (const s of rollout.services) if (s.update) rollout.calls.push(call('UpdateService', region, updateText(s, `${family}:(new revision)`), 'planned', { service: s.service }));
  rollout.deregister.blocker = blockerOf(rollout, read);
  if (options.deregisterPrevious) {
    const kept = rollout.deregister.blocker;
    rollout.deregister.kept = kept;
    rollout.calls.push(call('DeregisterTaskDefinition', region, deregisterText(rollout.from), kept ? 'not made' : 'planned', { error: kept }));
  }
  return rollout;
}

/** The services of the region running a revision of `family`, and whether UpdateService may move them. */
function servicesOf(family: string, fromRevision: number, read: RegionRead): ServiceRollout[] {
  const out: ServiceRollout[] = [];
  for (const r of read.services) {
    if (isUnresolved(r.properties)) continue;
    const s = r.properties as Service;
    const ref = typeof s.taskDefinition === 'string' ? taskDefinitionRef(s.taskDefinition) : null;
    if (!ref || ref.family !== family) continue;
    const cluster = s.clusterArn ?? '';
    const entry: ServiceRollout = {
      cluster,
      clusterName: shortName(cluster),
      service: s.serviceArn ?? r.id,
      serviceName: s.serviceName ?? r.name,
      taskDefinition: s.taskDefinition!,
      revision: ref.revision,
      update: true,
      note: null,
      outcome: 'planned',
    };
    const controller = s.deploymentController?.type ?? 'ECS';
    const skip = (note: string) => {
      entry.update = false;
      entry.note = note;
      entry.outcome = 'not updated';
    };
    if (s.status !== undefined && s.status !== 'ACTIVE') skip(`its status is ${s.status}: not updated`);
    else if (controller === 'CODE_DEPLOY') skip('blue/green deployments (CODE_DEPLOY): UpdateService cannot change its task definition; create a CodeDeploy deployment with the new revision');
    else if (controller === 'EXTERNAL') skip('EXTERNAL deployment controller: UpdateService cannot change its task definition; create a task set with the new revision (CreateTaskSet) and make it primary');
    else if (ref.revision !== null && ref.revision > fromRevision) skip(`it runs revision ${ref.revision}, newer than the latest ACTIVE revision ${fromRevision} (deregistered?): not moved back to an older one`);
    else if (ref.revision !== null && ref.revision < fromRevision) entry.note = `it runs revision ${ref.revision}: the update also deploys what changed between revisions ${ref.revision} and ${fromRevision}`;
    out.push(entry);
  }
  return out.sort((a, b) => `${a.clusterName}/${a.serviceName}`.localeCompare(`${b.clusterName}/${b.serviceName}`, 'en', { numeric: true }));
}

/** What keeps the replaced revision whatever the updates do, or null. */
function blockerOf(rollout: FamilyRollout, read: RegionRead): string | null {
  const stays = rollout.services.filter((s) => !s.update && s.taskDefinition === rollout.from);
  if (stays.length) return `kept: service ${stays.map((s) => `${s.clusterName}/${s.serviceName}`).join(', ')} still runs it and is not updated by this rollout`;
  const sets = read.taskSets.filter((t) => !isUnresolved(t.properties) && (t.properties as TaskSet).taskDefinition === rollout.from);
  if (sets.length) return `kept: task set ${sets.map((t) => t.name).join(', ')} still runs it`;
  if (read.incomplete) return `kept: ${read.incomplete}`;
  return null;
}

/** Why the replaced revision is kept after failed updates. */
function failedReason(failed: ServiceRollout[]): string {
  return `kept: the update of ${failed.map((s) => `${s.clusterName}/${s.serviceName}`).join(', ')} failed, so ${failed.length === 1 ? 'that service still runs' : 'those services still run'} it`;
}

/** Fixes of the region's other resources, reported for their source (with a family filter: the services and task sets of those families). */
function elsewhereFixes(region: string, read: RegionRead, controls: FixableControl[], options: RolloutOptions, families: Set<string> | null): ElsewhereFix[] {
  const out: ElsewhereFix[] = [];
  const inScope = (r: Resource): boolean => {
    if (!families) return true;
    if (r.type !== 'AWS::ECS::Service' && r.type !== 'AWS::ECS::TaskSet') return false;
    const td: unknown = (r.properties as { taskDefinition?: unknown }).taskDefinition;
    const ref = typeof td === 'string' ? taskDefinitionRef(td) : null;
    return ref !== null && families.has(ref.family);
  };
  for (const r of [...read.services, ...read.taskSets, ...read.others]) {
    if (isUnresolved(r.properties) || !inScope(r)) continue;
    for (const f of planFixes(r, controls, options).fixes) {
      out.push({ region, resource: { type: r.type, id: r.id, name: r.name }, control: f.control, changes: f.changes });
    }
  }
  return out;
}

/** The client settings of the live scan (src/sources/aws/index.ts): adaptive retries by default. */
function clientConfig(region: string, identity: AwsIdentity, options: ApplyRolloutOptions): ECSClientConfig {
  const timeout = options.requestTimeoutMs ?? 30_000;
  const config: ECSClientConfig = {
    region,
    credentials: identity.credentials,
    retryMode: options.retryMode ?? 'adaptive',
    maxAttempts: options.maxAttempts ?? 8,
    requestHandler: { requestTimeout: timeout, connectionTimeout: Math.min(timeout, 10_000) },
  };
  if (options.endpoint) config.endpoint = options.endpoint;
  return config;
}

/**
 * Makes the calls of `plan` and returns a copy of it with `mode: 'apply'`, each call's outcome,
 * the new revisions' ARNs in `to` and each service's outcome. Families are rolled out one after
 * the other, in the plan's order; in each:
 *
 * 1. RegisterTaskDefinition with `registerInput`. If it fails, nothing else is called for the family.
 * 2. UpdateService `{ cluster, service, taskDefinition: <new ARN>, forceNewDeployment: true }` for
 *    each service marked `update` (services on CODE_DEPLOY or EXTERNAL deployment controllers cannot
 *    change their task definition through UpdateService and are left, with a todo).
 * 3. With `deregisterPrevious` (the option, else the plan's): DeregisterTaskDefinition of `from`,
 *    only when every update succeeded and nothing the plan found still runs it
 *    (`deregister.blocker`); otherwise a `not made` call and `deregister.kept` say why it was kept.
 *
 * Errors are values: a failed call is `failed` with the error, and the next family goes on. When
 * the credentials stop working (expired), the remaining calls are `not made`; when a region stops
 * answering (not enabled, unreachable), its remaining calls are. Calls are retried as the live
 * scan's are (SDK `adaptive` mode, `maxAttempts` 8 by default).
 *
 * Credentials, endpoint and retry settings: those the plan was read with when `plan` came from
 * {@link planRollout} in this process (each overridden by `options` when given there), else
 * resolved from `options` as planRollout does. Throws {@link AwsUsageError} when the credentials
 * belong to another account than the plan's, AwsCredentialsError when there are none.
 */
export async function applyRollout(plan: RolloutPlan, options: ApplyRolloutOptions = {}): Promise<RolloutPlan> {
  const context = CONTEXTS.get(plan);
  const settings: ApplyRolloutOptions = {
    endpoint: options.endpoint ?? context?.endpoint,
    retryMode: options.retryMode ?? context?.retryMode,
    maxAttempts: options.maxAttempts ?? context?.maxAttempts,
    requestTimeoutMs: options.requestTimeoutMs ?? context?.requestTimeoutMs,
  };
  const fresh = !context || options.credentials !== undefined || options.profile !== undefined || options.roleArn !== undefined;
  const identity = !fresh ? context.identity : await resolveIdentity(identityOptions({ ...options, endpoint: settings.endpoint }, plan.regions[0] ?? 'us-east-1', settings.maxAttempts ?? 8, settings.requestTimeoutMs));
  if (identity.account !== plan.account) {
    throw new AwsUsageError(`the plan was made for account ${plan.account}, but the credentials are for account ${identity.account}: nothing was changed`);
  }
  const report: RolloutPlan = structuredClone(plan);
  report.mode = 'apply';
  const deregister = options.deregisterPrevious ?? plan.deregisterPrevious;
  report.deregisterPrevious = deregister;

  const clients = new Map<string, ECSClient>();
  // One client per region and throttling bucket (task definition writes, service writes), as the scan does for reads.
  const client = (region: string, bucket: Bucket): ECSClient => {
    const key = `${region}/${bucket}`;
    let c = clients.get(key);
    if (!c) {
      c = new ECSClient(clientConfig(region, identity, settings));
      clients.set(key, c);
    }
    return c;
  };
  let scanStop: string | null = null;
  const regionStop = new Map<string, string>();

  try {
    for (const family of report.families) {
      if (!family.registerInput || family.error) continue;
      const notify = (c: RolloutCall) => {
        try {
          options.onCall?.(c, family);
        } catch {
          // A display must not break the rollout.
        }
      };
      const runner: Runner = {
        skip(c, why) {
          c.status = 'not made';
          c.error = why;
          family.calls.push(c);
          notify(c);
        },
        async make(c, bucket, send) {
          const stop = scanStop ?? regionStop.get(c.region) ?? null;
          if (stop) {
            this.skip(c, stop);
            return false;
          }
          family.calls.push(c);
          c.status = 'running';
          notify(c);
          try {
            await send(client(c.region, bucket));
            c.status = 'ok';
            return true;
          } catch (e) {
            c.status = 'failed';
            c.error = `${describeError(e)}${hintFor(e, c.action)}`;
            const scope = failureScope(e);
            if (scope === 'scan') scanStop ??= `not made: the credentials stopped working (${describeError(e)})`;
            else if (scope === 'region' && !regionStop.has(c.region)) regionStop.set(c.region, `not made: region ${c.region} stopped answering (${describeError(e)})`);
            return false;
          } finally {
            notify(c);
          }
        },
      };
      await applyFamily(family, deregister, runner);
    }
  } finally {
    for (const c of clients.values()) c.destroy();
  }
  return report;
}

type Bucket = 'task-definition' | 'service';

/** How applyFamily makes its calls: each recorded in the family and shown to `onCall`. */
interface Runner {
  /** Records `c` as not made, for `why`. */
  skip(c: RolloutCall, why: string): void;
  /** Makes `c` with `send` (which may fill `c.result`); true when it succeeded. */
  make(c: RolloutCall, bucket: Bucket, send: (client: ECSClient) => Promise<void>): Promise<boolean>;
}

async function applyFamily(family: FamilyRollout, deregister: boolean, run: Runner): Promise<void> {
  const { region } = family;
  family.calls = [];
  family.deregister = { requested: deregister, kept: null, blocker: family.deregister.blocker };
  const register = call('RegisterTaskDefinition', region, registerText(family.family, family.fromRevision), 'planned');
  const registered = await run.make(register, 'task-definition', async (c) => {
    const out = await c.send(new RegisterTaskDefinitionCommand(family.registerInput!));
    const arn = out.taskDefinition?.taskDefinitionArn;
    if (!arn) throw new Error('the RegisterTaskDefinition response has no taskDefinitionArn');
    register.result = arn;
  });
  const arn = registered ? register.result : null;
  if (!arn) {
    for (const s of family.services) {
      if (!s.update) continue;
      s.outcome = 'not updated';
      run.skip(call('UpdateService', region, updateText(s, `${family.family}:(new revision)`), 'planned', { service: s.service }), 'not made: RegisterTaskDefinition failed');
    }
    if (deregister) {
      family.deregister.kept = 'kept: no new revision was registered';
      run.skip(call('DeregisterTaskDefinition', region, deregisterText(family.from), 'planned'), family.deregister.kept);
    }
    return;
  }
  family.to = arn;

  const failed: ServiceRollout[] = [];
  for (const s of family.services) {
    if (!s.update) continue;
    const ok = await run.make(call('UpdateService', region, updateText(s, arn), 'planned', { service: s.service }), 'service', async (c) => {
      await c.send(new UpdateServiceCommand({ cluster: s.cluster, service: s.service, taskDefinition: arn, forceNewDeployment: true }));
    });
    s.outcome = ok ? 'updated' : 'failed';
    if (!ok) failed.push(s);
  }

  if (!deregister) return;
  const kept = failed.length ? failedReason(failed) : family.deregister.blocker;
  family.deregister.kept = kept;
  const dereg = call('DeregisterTaskDefinition', region, deregisterText(family.from), 'planned');
  if (kept) run.skip(dereg, kept);
  else await run.make(dereg, 'task-definition', async (c) => {
    await c.send(new DeregisterTaskDefinitionCommand({ taskDefinition: family.from }));
  });
}
