/**
 * Rolling out task definition fixes on a live account (`ecsguard fix --aws`).
 *
 * {@link planRollout} reads the account as the live scan does (src/sources/aws: read-only, adaptive
 * retries, faults as values) and, for the latest ACTIVE revision of each task definition family,
 * plans the fixes of the FAILED controls ({@link planFixes}) and builds the hardened
 * RegisterTaskDefinition input from the described revision: `toRegisterInput(applyOps(td, ops,
 * region), tags)`, which carries over every field register accepts (roles, volumes, runtime
 * platform, placement constraints, proxy configuration, ephemeral storage, pid and ipc mode,
 * inference accelerators, cpu and memory, compatibilities, tags, and fields added to the ECS API
 * after this version's AWS SDK, which the SDK drops: the revision is read once more as ECS sends
 * it to put them back). It finds the services of every cluster of the region whose task definition
 * is a revision of the family. It makes no write call.
 *
 * {@link applyRollout} then, family by family: checks the family and its services are still as
 * the plan saw them, RegisterTaskDefinition, UpdateService `{ taskDefinition: <new ARN>,
 * forceNewDeployment: true }` for each service of the family, and, when asked,
 * DeregisterTaskDefinition of the replaced revision once every service that ran it was updated.
 * A failure in one family never stops the others.
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
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
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
import { describeError, errorCode, errorMessage, failureScope, hintFor, isAccessDenied, isTransientFailure } from '../sources/aws/errors.js';
import { arnParts, identityOptions } from '../sources/aws/identity.js';
import { Limiter, chunks } from '../sources/aws/pool.js';
import { shortName } from '../sources/aws/resources.js';
import { applyOps, checkFixSettings, planFixes, type FixableControl, type FixSettings, type Refusal } from './plan.js';
import { DESCRIBE_ONLY_FIELDS, toRegisterInput } from './register.js';

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
  /** Only these task definition families (exact names; at least one); default every ACTIVE family. */
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
  /**
   * Fields of the described revision that this version's AWS SDK does not know (added to the ECS
   * API since), as paths (`containerDefinitions[0].newField`): they are in `registerInput` as ECS
   * described them, sent as they are, and named in `todo`.
   */
  unknownFields: string[];
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
 * Each revision to register is described once more (DescribeTaskDefinition of its ARN) with the
 * response body kept as ECS sent it, so that fields the SDK does not know are carried over
 * (`unknownFields`, and a todo naming them); when that read fails, the family gets `error` and no
 * revision (fail closed).
 *
 * Read faults are values (`errors`; a family whose revision could not be described gets `error`).
 * Throws {@link AwsUsageError} (a ConfigError) for invalid options or family names (a `families`
 * list with no name in it included: it would roll out nothing without a word), ConfigError for
 * unknown controls or fix settings the controls would fail (both before any call), and
 * AwsCredentialsError when there are no usable credentials.
 */
export async function planRollout(options: RolloutOptions): Promise<RolloutPlan> {
  const regions = checkAwsScanOptions({ ...options, allRevisions: false });
  const families = options.families ? [...new Set(options.families.map((f) => f.trim()).filter(Boolean))] : null;
  // An empty list (an unset shell variable, `--family ''`) would silently roll out nothing, or, read as no filter, everything.
  if (families && families.length === 0) throw new AwsUsageError('--family names no task definition family: give at least one family name, or leave --family out to roll out every family');
  for (const f of families ?? []) if (!FAMILY_NAME.test(f)) throw new AwsUsageError(`--family '${f}' is not a task definition family name (up to 255 letters, digits, hyphens and underscores)`);
  const controls = fixableControls(options);
  // A user the controls would fail (root, ContainerAdministrator) is a usage error before any call, not after the read.
  checkFixSettings(options);
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
  const reread = rawReader(identity, options);
  try {
    for (const region of regions) {
      const read = byRegion.get(region)!;
      const wantedFamilies = new Set<string>();
      const tds = [...read.taskDefinitions].sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
      const planned: Promise<FamilyRollout | null>[] = [];
      for (const td of tds) {
        const family = familyOfResource(td);
        if (families && !families.includes(family)) continue;
        found.add(family);
        wantedFamilies.add(family);
        planned.push(planFamily(td, family, region, read, controls, options, reread));
      }
      // Planned side by side (each may read its revision again), reported in order.
      for (const rollout of await Promise.all(planned)) {
        if (rollout) plan.families.push(rollout);
        else plan.clean++;
      }
      plan.elsewhere.push(...elsewhereFixes(region, read, controls, options, families ? wantedFamilies : null));
    }
  } finally {
    reread.close();
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
async function planFamily(td: Resource, family: string, region: string, read: RegionRead, controls: FixableControl[], options: RolloutOptions, reread: RawReader): Promise<FamilyRollout | null> {
  const props = td.properties as TaskDefinition & { tags?: Tag[] };
  const ref = taskDefinitionRef(td.id);
  const fromRevision = typeof props.revision === 'number' ? props.revision : ref?.revision ?? 0;
  const rollout: FamilyRollout = {
    region, family, from: td.id, fromRevision, to: null, registerInput: null, unknownFields: [], fixed: [], changes: [], todo: [], refused: [], services: [],
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

  let described: TaskDefinition & { tags?: Tag[] } = props;
  try {
    // The SDK drops the fields its model does not know yet (a newer ECS API's): read the revision
    // again as ECS sends it, and put them back, or the new revision would silently lose them.
    const raw = await reread.taskDefinition(region, td.id);
    const unknown: string[] = [];
    described = withUnknownFields(props, raw, unknown);
    rollout.unknownFields = unknown;
  } catch (e) {
    rollout.error = `no revision planned: ${td.id} could not be read again as ECS describes it, so fields this version of ecsguard does not know could be lost: ${describeError(e)}`;
    return rollout;
  }

  try {
    const ops = fixes.flatMap((f) => f.ops);
    const hardened = applyOps(described, ops, region);
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
  if (rollout.unknownFields.length) {
    rollout.todo.push(`The new revision carries over fields this version of ecsguard does not know, copied as ECS described them: ${rollout.unknownFields.join(', ')}. If RegisterTaskDefinition rejects one (a field ECS returns but does not accept), upgrade ecsguard.`);
  }
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

// ---------------------------------------------------------------------------------------------
// Fields the SDK does not know
//
// The SDK reads and writes only the members of its model: a field ECS added since (in a
// container definition, a volume, the task definition itself) is dropped when DescribeTaskDefinition
// is read and again when RegisterTaskDefinition is sent. So the revision is read once more with
// its response body kept as ECS sent it, the fields the SDK dropped are put back into the
// RegisterTaskDefinition input, and the request body is completed with them before it is signed.

/** A middleware function, as the SDK calls it (its step-specific types are checked by the tests, not here). */
type Middleware = (next: (args: never) => Promise<unknown>) => (args: never) => Promise<unknown>;

/** Adds `middleware` to one command's stack. */
function addMiddleware(command: { middlewareStack: object }, middleware: Middleware, options: { step: 'build' | 'deserialize'; priority: 'high' | 'low'; name: string }): void {
  const stack = command.middlewareStack as { add(m: unknown, o: unknown): void };
  stack.add(middleware, options);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Reads revisions as ECS sends them (DescribeTaskDefinition, a read call of the scan). */
interface RawReader {
  /** The `taskDefinition` object of DescribeTaskDefinition for the revision `arn`, as ECS sent it. */
  taskDefinition(region: string, arn: string): Promise<Record<string, unknown>>;
  close(): void;
}

async function bodyBytes(body: unknown): Promise<Uint8Array> {
  if (body instanceof Uint8Array) return body;
  if (typeof body === 'string') return new TextEncoder().encode(body);
  if (body && typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
    const parts: Uint8Array[] = [];
    for await (const chunk of body as AsyncIterable<Uint8Array | string>) parts.push(typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk);
    return new Uint8Array(Buffer.concat(parts));
  }
  throw new Error('the response body could not be read');
}

/** A deserialize-step middleware that hands a successful response's body to `onBody` and leaves it readable for the SDK. */
function keepResponseBody(onBody: (body: Uint8Array) => void): Middleware {
  return ((next: (args: object) => Promise<{ response?: unknown }>) => async (args: object) => {
    const out = await next(args);
    const response = out.response as { statusCode?: unknown; body?: unknown } | undefined;
    if (response && typeof response.statusCode === 'number' && response.statusCode >= 200 && response.statusCode < 300) {
      const bytes = await bodyBytes(response.body);
      response.body = bytes;
      onBody(bytes);
    }
    return out;
  }) as unknown as Middleware;
}

function rawReader(identity: AwsIdentity, options: RolloutOptions): RawReader {
  const clients = new Map<string, ECSClient>();
  const limiter = new Limiter(options.concurrency ?? 8);
  return {
    taskDefinition: (region, arn) => limiter.run(async () => {
      let client = clients.get(region);
      if (!client) {
        client = new ECSClient(clientConfig(region, identity, options));
        clients.set(region, client);
      }
      const command = new DescribeTaskDefinitionCommand({ taskDefinition: arn });
      const kept: { body: Uint8Array | null } = { body: null };
      addMiddleware(command, keepResponseBody((b) => { kept.body = b; }), { step: 'deserialize', priority: 'low', name: 'ecsguardKeepResponseBody' });
      await client.send(command);
      if (kept.body === null) throw new Error('DescribeTaskDefinition: the response body could not be kept');
      const doc: unknown = JSON.parse(new TextDecoder().decode(kept.body));
      const td = isPlainObject(doc) ? doc.taskDefinition : undefined;
      if (!isPlainObject(td)) throw new Error('DescribeTaskDefinition: the response has no taskDefinition');
      if (typeof td.taskDefinitionArn === 'string' && td.taskDefinitionArn !== arn) throw new Error(`DescribeTaskDefinition of ${arn} answered ${td.taskDefinitionArn}`);
      return td;
    }),
    close: () => {
      for (const c of clients.values()) c.destroy();
    },
  };
}

/**
 * `parsed` (the SDK's reading of a response) with the fields of `raw` (the same response as ECS sent
 * it) that the SDK dropped, each path pushed to `unknown`. A list whose length differs between the
 * two cannot be matched item by item: Error. Nulls are not carried; nor are known describe-only fields.
 */
function withUnknownFields<T>(parsed: T, raw: Record<string, unknown>, unknown: string[]): T {
  const carry = (p: unknown, r: unknown, path: string): unknown => {
    if (isPlainObject(p) && isPlainObject(r)) {
      const out: Record<string, unknown> = { ...p };
      for (const [k, v] of Object.entries(r)) {
        const at = path ? `${path}.${k}` : k;
        if (p[k] === undefined) {
          if (v === null || v === undefined || (path === '' && DESCRIBE_ONLY_FIELDS.includes(k))) continue;
          out[k] = structuredClone(v);
          unknown.push(at);
        } else out[k] = carry(p[k], v, at);
      }
      return out;
    }
    if (Array.isArray(p) && Array.isArray(r)) {
      if (p.length !== r.length) throw new Error(`${path} has ${r.length} entries as ECS describes it, but ${p.length} as the AWS SDK read it`);
      return p.map((x, i) => carry(x, r[i], `${path}[${i}]`));
    }
    return p;
  };
  return carry(parsed, raw, '') as T;
}

/** Adds to `target` every field of `source` it lacks, recursively (lists item by item); true when it added one. */
function addMissing(target: unknown, source: unknown): boolean {
  let added = false;
  if (isPlainObject(target) && isPlainObject(source)) {
    for (const [k, v] of Object.entries(source)) {
      if (v === null || v === undefined) continue;
      if (!(k in target)) {
        target[k] = v;
        added = true;
      } else if (addMissing(target[k], v)) added = true;
    }
  } else if (Array.isArray(target) && Array.isArray(source) && target.length === source.length) {
    for (let i = 0; i < target.length; i++) if (addMissing(target[i], source[i])) added = true;
  }
  return added;
}

/**
 * A build-step middleware that completes the serialized JSON body with the fields of `input` the
 * SDK left out (fields its model does not know), before the request is signed. When `required`
 * fields are expected and the body cannot be completed, the call fails rather than drop them.
 */
function sendEveryField(input: object, required: readonly string[]): Middleware {
  const wanted: unknown = JSON.parse(JSON.stringify(input));
  return ((next: (args: { request?: unknown }) => Promise<unknown>) => async (args: { request?: unknown }) => {
    const request = args.request as { body?: unknown; headers?: Record<string, string> } | undefined;
    const body = request?.body;
    if (request && (typeof body === 'string' || body instanceof Uint8Array)) {
      const sent: unknown = JSON.parse(typeof body === 'string' ? body : new TextDecoder().decode(body));
      if (addMissing(sent, wanted)) {
        const json = JSON.stringify(sent);
        request.body = typeof body === 'string' ? json : new TextEncoder().encode(json);
        for (const h of Object.keys(request.headers ?? {})) if (h.toLowerCase() === 'content-length') request.headers![h] = String(Buffer.byteLength(json));
      }
    } else if (required.length) {
      throw new Error(`the request body could not be completed with ${required.join(', ')}: nothing was sent, so that no field is dropped`);
    }
    return next(args);
  }) as unknown as Middleware;
}

// ---------------------------------------------------------------------------------------------
// Applying

/** A call or read not made: the credentials or the region stopped working earlier. */
class NotMade extends Error {
  override name = 'NotMade';
}

const notMadePrefix = /^not made: /;

/**
 * A hint for a failed call: the permission an AccessDenied names when it is not the call's own
 * (iam:PassRole on the roles, ecs:TagResource for tags on creation), a service gone since the plan.
 */
function callHint(e: unknown, action: string, family: FamilyRollout): string {
  const code = errorCode(e);
  if (isAccessDenied(e)) {
    const named = /not authorized to perform:?\s+([A-Za-z0-9-]+:[A-Za-z0-9*]+)/.exec(errorMessage(e))?.[1];
    if (named && named.toLowerCase() !== `ecs:${action}`.toLowerCase()) {
      if (/^iam:PassRole$/i.test(named)) return " (the credentials lack iam:PassRole on the revision's task or execution role, with iam:PassedToService ecs-tasks.amazonaws.com, or a service control policy or permissions boundary denies it)";
      if (/^ecs:TagResource$/i.test(named)) return ' (the credentials lack ecs:TagResource, which ECS authorizes separately when a revision is registered with tags, or a service control policy or permissions boundary denies it)';
      return ` (the credentials lack ${named}, or a service control policy or permissions boundary denies it)`;
    }
  }
  if (code === 'ServiceNotFoundException' || code === 'ServiceNotActiveException') return ' (was the service deleted since the plan was read?)';
  if (action === 'RegisterTaskDefinition' && isTransientFailure(e)) {
    // The request may have reached ECS before the answer was lost: the family would then be clean for the next plan.
    return ` (ECS may have registered the revision anyway: if the family's latest revision (aws ecs describe-task-definition --task-definition ${family.family}) is newer than ${family.fromRevision}, move the services to it by hand, since a new plan finds the family clean)`;
  }
  if (action === 'RegisterTaskDefinition' && family.unknownFields.length && /ClientException|InvalidParameterException|SerializationException|ValidationException/.test(code)) {
    return ` (the revision carries fields this version of ecsguard does not know: ${family.unknownFields.join(', ')}; if ECS rejects one of them, upgrade ecsguard)`;
  }
  return hintFor(e, action);
}

/**
 * Hides the revision's environment values in `text`: an error of RegisterTaskDefinition may quote
 * the request it rejects. (Values shorter than 6 characters are left: they would garble the message
 * more than they could tell.)
 */
function redactor(family: FamilyRollout): (text: string) => string {
  const values = new Set<string>();
  for (const c of family.registerInput?.containerDefinitions ?? []) {
    for (const e of c.environment ?? []) if (typeof e.value === 'string' && e.value.trim().length >= 6) values.add(e.value);
  }
  const sorted = [...values].sort((a, b) => b.length - a.length);
  return (text) => sorted.reduce((t, v) => t.split(v).join('***'), text);
}

/**
 * Makes the calls of `plan` and returns a copy of it with `mode: 'apply'`, each call's outcome,
 * the new revisions' ARNs in `to` and each service's outcome. Families are rolled out one after
 * the other, in the plan's order; in each:
 *
 * 1. The plan must still hold: DescribeTaskDefinition of the family must still give `from` as its
 *    latest ACTIVE revision. When another revision was registered (or `from` deregistered) since
 *    the plan was read, nothing is called for the family (`error` says why): registering `from`
 *    plus the fixes would become the family's latest revision and move its services back.
 * 2. RegisterTaskDefinition with `registerInput` (with the fields the SDK does not know, see
 *    `unknownFields`). If it fails, nothing else is called for the family.
 * 3. DescribeServices of the services marked `update`, then UpdateService `{ cluster, service,
 *    taskDefinition: <new ARN>, forceNewDeployment: true }` for each one that still runs the revision
 *    the plan saw: a service moved, deleted or draining since is `not made` and reported in `errors`.
 *    (Services on CODE_DEPLOY or EXTERNAL deployment controllers cannot change their task definition
 *    through UpdateService and are left, with a todo.) A service whose update failed gets a todo
 *    with the command that finishes it: a new plan would not, the family's latest revision passing.
 * 4. With `deregisterPrevious` (the option, else the plan's): DeregisterTaskDefinition of `from`,
 *    only when every update succeeded and nothing the plan found still runs it
 *    (`deregister.blocker`); otherwise a `not made` call and `deregister.kept` say why it was kept.
 *
 * The checks of 1 and 3 are read calls of the scan (not printed); an answer that says nothing
 * (no task definition, no such service and no failure) is no evidence of a change. A check that
 * fails keeps what it checks from being called (fail closed).
 *
 * Errors are values: a failed call is `failed` with the error (environment values of the revision
 * hidden), and the next family goes on. When the credentials stop working (expired), the remaining
 * calls are `not made`; when a region stops answering (not enabled, unreachable), its remaining
 * calls are. Calls are retried as the live scan's are (SDK `adaptive` mode, `maxAttempts` 8 by default).
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
  for (const f of report.families) f.unknownFields ??= [];

  const clients = new Map<string, ECSClient>();
  // One client per region and throttling bucket (task definition writes, service writes, reads), as the scan does for reads.
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
  const stopOf = (region: string): string | null => scanStop ?? regionStop.get(region) ?? null;
  const recordStop = (e: unknown, region: string): void => {
    const scope = failureScope(e);
    if (scope === 'scan') scanStop ??= `not made: the credentials stopped working (${describeError(e)})`;
    else if (scope === 'region' && !regionStop.has(region)) regionStop.set(region, `not made: region ${region} stopped answering (${describeError(e)})`);
  };

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
      const redact = redactor(family);
      const runner: Runner = {
        skip(c, why) {
          c.status = 'not made';
          c.error = why;
          family.calls.push(c);
          notify(c);
        },
        async make(c, bucket, send) {
          const stop = stopOf(c.region);
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
            // Only RegisterTaskDefinition sends the environment, so only its errors could quote it.
            const message = describeError(e);
            c.error = `${c.action === 'RegisterTaskDefinition' ? redact(message) : message}${callHint(e, c.action, family)}`;
            recordStop(e, c.region);
            return false;
          } finally {
            notify(c);
          }
        },
        async read(region, send) {
          const stop = stopOf(region);
          if (stop) throw new NotMade(stop);
          try {
            return await send(client(region, 'read'));
          } catch (e) {
            recordStop(e, region);
            throw e;
          }
        },
        problem(region, message) {
          report.errors.push({ where: `aws://${report.account}/${region}`, message });
        },
      };
      await applyFamily(family, deregister, runner);
    }
  } finally {
    for (const c of clients.values()) c.destroy();
  }
  return report;
}

type Bucket = 'task-definition' | 'service' | 'read';

/** How applyFamily makes its calls: each recorded in the family and shown to `onCall`. */
interface Runner {
  /** Records `c` as not made, for `why`. */
  skip(c: RolloutCall, why: string): void;
  /** Makes `c` with `send` (which may fill `c.result`); true when it succeeded. */
  make(c: RolloutCall, bucket: Bucket, send: (client: ECSClient) => Promise<void>): Promise<boolean>;
  /** A read that checks the plan still holds; rejects with {@link NotMade} when the region or the credentials stopped working. */
  read<T>(region: string, send: (client: ECSClient) => Promise<T>): Promise<T>;
  /** Reports a problem found while applying (the run then fails). */
  problem(region: string, message: string): void;
}

/** Why `from` may no longer be what the family should start from, or null when it still is (or nothing says otherwise). */
async function staleFamily(family: FamilyRollout, run: Runner): Promise<string | null> {
  try {
    const out = await run.read(family.region, (c) => c.send(new DescribeTaskDefinitionCommand({ taskDefinition: family.family })));
    const latest = out?.taskDefinition;
    if (!latest || typeof latest.revision !== 'number' || latest.revision === family.fromRevision) return null;
    return `the family changed since the plan was read: its latest ACTIVE revision is now ${latest.revision}, not ${family.fromRevision}, so nothing was registered or updated for it (plan again)`;
  } catch (e) {
    if (e instanceof NotMade) return e.message.replace(notMadePrefix, '');
    if (errorCode(e) === 'ClientException') return `the family changed since the plan was read: it has no ACTIVE revision any more (${describeError(e)}), so nothing was registered or updated for it`;
    return `could not check that revision ${family.fromRevision} is still the family's latest ACTIVE revision (${describeError(e)}${hintFor(e, 'DescribeTaskDefinition')}), so nothing was registered or updated for it`;
  }
}

/** For each service to update that is no longer as the plan saw it (moved, deleted, draining, or could not be checked): why. */
async function changedServices(family: FamilyRollout, run: Runner): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const byCluster = new Map<string, ServiceRollout[]>();
  for (const s of family.services) if (s.update) byCluster.set(s.cluster, [...(byCluster.get(s.cluster) ?? []), s]);
  for (const [clusterArn, list] of byCluster) {
    for (const batch of chunks(list, 10)) {
      try {
        const res = await run.read(family.region, (c) => c.send(new DescribeServicesCommand({ cluster: clusterArn, services: batch.map((s) => s.service) })));
        const now = new Map((res?.services ?? []).map((x) => [x.serviceArn, x]));
        const failures = new Map((res?.failures ?? []).map((f) => [f.arn, f]));
        for (const s of batch) {
          const current = now.get(s.service);
          const failure = failures.get(s.service);
          if (current) {
            if (current.status !== undefined && current.status !== 'ACTIVE') out.set(s.service, `the service is ${current.status} now (deleted since the plan was read?)`);
            else if (typeof current.taskDefinition === 'string' && current.taskDefinition !== s.taskDefinition) {
              out.set(s.service, `the service now runs ${current.taskDefinition}, not ${s.taskDefinition} as planned: it changed since the plan was read, and is not moved`);
            }
          } else if (failure) {
            out.set(s.service, failure.reason === 'MISSING' ? 'the service no longer exists (deleted since the plan was read)' : `DescribeServices could not read it (${failure.reason ?? 'failure'}${failure.detail ? `: ${failure.detail}` : ''})`);
          }
        }
      } catch (e) {
        const why = e instanceof NotMade ? e.message.replace(notMadePrefix, '') : `could not check that the service still runs the planned revision (${describeError(e)}${hintFor(e, 'DescribeServices')})`;
        for (const s of batch) out.set(s.service, why);
      }
    }
  }
  return out;
}

/** The command that moves a service to `arn` by hand. */
function updateCommand(s: ServiceRollout, region: string, arn: string): string {
  return `aws ecs update-service --region ${region} --cluster ${s.cluster} --service ${s.service} --task-definition ${arn} --force-new-deployment`;
}

async function applyFamily(family: FamilyRollout, deregister: boolean, run: Runner): Promise<void> {
  const { region } = family;
  family.calls = [];
  family.deregister = { requested: deregister, kept: null, blocker: family.deregister.blocker };
  const register = call('RegisterTaskDefinition', region, registerText(family.family, family.fromRevision), 'planned');
  const stale = await staleFamily(family, run);
  let arn: string | null = null;
  if (stale) {
    family.error = stale;
    run.skip(register, `not made: ${stale}`);
  } else {
    const registered = await run.make(register, 'task-definition', async (c) => {
      const command = new RegisterTaskDefinitionCommand(family.registerInput!);
      addMiddleware(command, sendEveryField(family.registerInput!, family.unknownFields), { step: 'build', priority: 'high', name: 'ecsguardSendEveryField' });
      const out = await c.send(command);
      const registeredArn = out.taskDefinition?.taskDefinitionArn;
      if (!registeredArn) throw new Error('the RegisterTaskDefinition response has no taskDefinitionArn');
      register.result = registeredArn;
    });
    arn = registered ? register.result : null;
  }
  if (!arn) {
    const why = stale ? 'not made: no new revision was registered' : 'not made: RegisterTaskDefinition failed';
    for (const s of family.services) {
      if (!s.update) continue;
      s.outcome = 'not updated';
      run.skip(call('UpdateService', region, updateText(s, `${family.family}:(new revision)`), 'planned', { service: s.service }), why);
    }
    if (deregister) {
      family.deregister.kept = 'kept: no new revision was registered';
      run.skip(call('DeregisterTaskDefinition', region, deregisterText(family.from), 'planned'), family.deregister.kept);
    }
    return;
  }
  family.to = arn;

  const changed = await changedServices(family, run);
  const failed: ServiceRollout[] = [];
  const notMoved: ServiceRollout[] = [];
  for (const s of family.services) {
    if (!s.update) continue;
    const update = call('UpdateService', region, updateText(s, arn), 'planned', { service: s.service });
    const why = changed.get(s.service);
    if (why) {
      s.outcome = 'not updated';
      s.note = why;
      notMoved.push(s);
      run.skip(update, `not made: ${why}`);
      run.problem(region, `service ${s.clusterName}/${s.serviceName} was not updated to ${arn}: ${why}`);
      continue;
    }
    const ok = await run.make(update, 'service', async (c) => {
      await c.send(new UpdateServiceCommand({ cluster: s.cluster, service: s.service, taskDefinition: arn, forceNewDeployment: true }));
    });
    s.outcome = ok ? 'updated' : update.status === 'failed' ? 'failed' : 'not updated';
    if (ok) continue;
    if (update.status === 'failed') failed.push(s);
    else notMoved.push(s);
    // A new plan would not move it: the family's latest revision now passes.
    family.todo.push(`Service ${s.clusterName}/${s.serviceName} still runs ${s.taskDefinition}: once the cause is fixed, move it with ${updateCommand(s, region, arn)}`);
  }

  if (!deregister) return;
  const reasons: string[] = [];
  if (failed.length) reasons.push(failedReason(failed));
  if (notMoved.length) reasons.push(`kept: ${notMoved.map((s) => `${s.clusterName}/${s.serviceName}`).join(', ')} ${notMoved.length === 1 ? 'was' : 'were'} not updated as planned`);
  const kept = reasons.length ? reasons.join('; ') : family.deregister.blocker;
  family.deregister.kept = kept;
  const dereg = call('DeregisterTaskDefinition', region, deregisterText(family.from), 'planned');
  if (kept) run.skip(dereg, kept);
  else await run.make(dereg, 'task-definition', async (c) => {
    await c.send(new DeregisterTaskDefinitionCommand({ taskDefinition: family.from }));
  });
}
