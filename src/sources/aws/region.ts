/**
 * Reads the ECS resources of one account in one region, read-only, following every `nextToken`:
 *
 * - task definitions: ListTaskDefinitionFamilies (`status: ACTIVE`), then for each family
 *   DescribeTaskDefinition with the family name, which returns its latest ACTIVE revision; with
 *   `allRevisions`, ListTaskDefinitions (`status: ACTIVE`) and DescribeTaskDefinition of every ARN.
 *   Always `include: ['TAGS']`; the tags come beside `taskDefinition`, and are moved into it.
 *   (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeTaskDefinition.html)
 * - clusters: ListClusters, then DescribeClusters 100 at a time with
 *   `include: ['SETTINGS', 'TAGS', 'CONFIGURATIONS']` (without SETTINGS there is no Container
 *   Insights setting to judge ECS.12 by).
 * - services: ListServices per cluster, then DescribeServices 10 at a time (the API's maximum)
 *   with `include: ['TAGS']`.
 * - task sets: DescribeTaskSets (`include: ['TAGS']`) for each service that has task sets
 *   (EXTERNAL and CODE_DEPLOY deployment controllers).
 * - capacity providers: DescribeCapacityProviders, `include: ['TAGS']`, paged by hand (the SDK has
 *   no paginator for it), 10 a page.
 *
 * Fail closed: a resource that was listed but could not be described (access denied, retries
 * exhausted, a `failures` entry) is still returned, with `properties` an Unresolved marker, so it is
 * NOT_AVAILABLE for every control and never judged from partial data. Failures are gathered per
 * action and error code into a few `InputError`s naming the account, region and action.
 */
import {
  DescribeCapacityProvidersCommand,
  DescribeClustersCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTaskSetsCommand,
  ListClustersCommand,
  ListServicesCommand,
  ListTaskDefinitionFamiliesCommand,
  ListTaskDefinitionsCommand,
  type ECSClient,
  type Failure,
  type Service,
} from '@aws-sdk/client-ecs';
import type { InputError, Resource, ResourceType } from '../../model/index.js';
import { describeError, errorCode, failureScope, hintFor, isTransientFailure } from './errors.js';
import { LIMITS, type EcsReadAction } from './limits.js';
import { chunks, type Limiter } from './pool.js';
import {
  capacityProviderResource,
  clusterResource,
  compareResources,
  regionFile,
  serviceResource,
  shortName,
  taskDefinitionArn,
  taskDefinitionResource,
  taskSetResource,
  undescribedResource,
  type RegionScope,
} from './resources.js';

/** What one region's collection needs from the scan. */
export interface RegionRun {
  scope: RegionScope;
  /** The client for an action (one per throttling bucket, see limits.ts). */
  client(action: EcsReadAction): ECSClient;
  /** Bounds the requests in flight in this region. */
  limiter: Limiter;
  allRevisions: boolean;
  /** The error that ended the whole scan (credentials gone), if any: no more calls are made. */
  scanAborted(): unknown;
  /** Ends the whole scan: the credentials stopped working. */
  abortScan(error: unknown): void;
  /** Called after every API call (each SDK `send`, retries included), for progress. */
  onCall?(): void;
}

/** What one region gave. */
export interface RegionOutcome {
  /** In a fixed order (type, then ARN), whatever order the calls finished in. */
  resources: Resource[];
  errors: InputError[];
  /** Why the region was given up part-way, or null. */
  failed: string | null;
}

/** A call not made because the region or the scan was given up; reported once, by the cause. */
class NotCalled extends Error {
  override name = 'NotCalled';
}

interface Problem {
  action: EcsReadAction;
  error: unknown;
  subjects: string[];
  consequence: string;
}

/** What a failure of each action costs, for the error message. */
const CONSEQUENCE: Record<EcsReadAction, string> = {
  ListTaskDefinitionFamilies: 'the task definitions of the region were not read',
  ListTaskDefinitions: 'the task definitions of the region were not read',
  DescribeTaskDefinition: 'they are reported NOT_AVAILABLE',
  ListClusters: 'the clusters, services and task sets of the region were not read',
  DescribeClusters: 'they are reported NOT_AVAILABLE (their services were still read)',
  ListServices: 'the services and task sets of those clusters were not read',
  DescribeServices: 'they are reported NOT_AVAILABLE, and their task sets were not read',
  DescribeTaskSets: 'their task sets are judged from the copy DescribeServices returns, whose tags are unknown',
  DescribeCapacityProviders: 'the capacity providers not yet read were not read',
};

const MAX_SUBJECTS = 5;

/**
 * When a region's endpoint is taken to be down, from calls that failed with network or server
 * faults even after the SDK's retries: `atStart` of them before any call succeeded, or `inARow`
 * in a row later (twice the requests in flight: faults of unrelated calls that happen to finish
 * together must not give up a healthy region). The region is then given up instead of sending
 * each remaining describe through every retry. Throttling never counts: it only slows the scan.
 */
function faultLimits(concurrency: number): { atStart: number; inARow: number } {
  return { atStart: 3, inARow: Math.max(6, 2 * concurrency) };
}

/** Follows `nextToken` to the end; a token seen twice ends the loop with an error instead of looping forever. */
async function paginate<P extends { nextToken?: string }>(action: string, fetch: (token: string | undefined) => Promise<P>, onPage: (page: P) => void): Promise<void> {
  const seen = new Set<string>();
  let token: string | undefined;
  for (;;) {
    const page = await fetch(token);
    onPage(page);
    token = page.nextToken || undefined;
    if (token === undefined) return;
    if (seen.has(token)) throw new Error(`${action} returned the same nextToken twice; stopped paging`);
    seen.add(token);
  }
}

/** An `Error` for a `failures` entry of a describe response. */
function failureError(f: Failure | undefined): Error {
  const e = new Error(f ? (f.detail ? `${f.reason ?? 'failure'}: ${f.detail}` : f.reason ?? 'failure') : 'absent from the response, with no failures entry');
  e.name = f?.reason ? `failure ${f.reason}` : 'failure';
  return e;
}

/** Reads one region. Never throws: failures become `errors` and undescribed resources. */
export async function collectRegion(run: RegionRun): Promise<RegionOutcome> {
  const { scope } = run;
  const found: Resource[] = [];
  const problems = new Map<string, Problem>();
  let regionFailure: { action: EcsReadAction; error: unknown; inARow?: number } | null = null;
  let faultsInARow = 0;
  let successes = 0;
  const limits = faultLimits(run.limiter.max);

  const stopped = (): string | null => {
    const scan = run.scanAborted();
    if (scan) return `the scan stopped: ${describeError(scan)}`;
    if (regionFailure) return `the region was given up after ${regionFailure.action} failed: ${describeError(regionFailure.error)}`;
    return null;
  };

  /** One API call through the region's concurrency bound; records what a failure means for the rest. */
  const send = <T>(action: EcsReadAction, call: (client: ECSClient) => Promise<T>): Promise<T> => {
    const before = stopped();
    if (before) return Promise.reject(new NotCalled(before));
    return run.limiter.run(async () => {
      const after = stopped();
      if (after) throw new NotCalled(after);
      try {
        const out = await call(run.client(action));
        faultsInARow = 0;
        successes++;
        return out;
      } catch (e) {
        const cost = failureScope(e);
        if (cost === 'scan') run.abortScan(e);
        else if (cost === 'region' && !regionFailure) regionFailure = { action, error: e };
        else if (isTransientFailure(e) && ++faultsInARow >= (successes === 0 ? limits.atStart : limits.inARow) && !regionFailure) {
          regionFailure = { action, error: e, inARow: faultsInARow };
        }
        throw e;
      } finally {
        run.onCall?.();
      }
    });
  };

  const problem = (action: EcsReadAction, error: unknown, subject: string): void => {
    if (error instanceof NotCalled) return;
    // Calls in flight when the region (or the scan) was given up fail for the same cause: the
    // region's (or the scan's) one error says it.
    if (run.scanAborted() !== null && failureScope(error) === 'scan') return;
    const key = `${action}\u0000${errorCode(error)}`;
    const p = problems.get(key);
    if (p) p.subjects.push(subject);
    else problems.set(key, { action, error, subjects: [subject], consequence: CONSEQUENCE[action] });
  };

  /** Emits a listed resource that could not be described: NOT_AVAILABLE for every control. */
  const undescribed = (type: ResourceType, arn: string, name: string, action: EcsReadAction, error: unknown): void => {
    const why = error instanceof NotCalled ? `not described: ${error.message}` : `${action} failed: ${describeError(error)}`;
    found.push(undescribedResource(type, arn, name, scope, why));
  };

  // Task definitions ------------------------------------------------------------------------
  const describeTaskDefinition = async (ref: string): Promise<void> => {
    // `ref` is a family (its latest ACTIVE revision is described) or a revision ARN.
    const label = ref.startsWith('arn:') ? shortName(ref) : ref;
    try {
      const out = await send('DescribeTaskDefinition', (c) => c.send(new DescribeTaskDefinitionCommand({ taskDefinition: ref, include: ['TAGS'] })));
      if (!out.taskDefinition) throw new Error('the response has no taskDefinition');
      found.push(taskDefinitionResource(out.taskDefinition, out.tags, scope));
    } catch (e) {
      problem('DescribeTaskDefinition', e, `task definition ${label}`);
      undescribed('AWS::ECS::TaskDefinition', ref.startsWith('arn:') ? ref : taskDefinitionArn(scope, ref), label, 'DescribeTaskDefinition', e);
    }
  };

  const taskDefinitions = async (): Promise<void> => {
    const describes: Promise<void>[] = [];
    try {
      if (run.allRevisions) {
        await paginate('ListTaskDefinitions',
          (nextToken) => send('ListTaskDefinitions', (c) => c.send(new ListTaskDefinitionsCommand({ status: 'ACTIVE', maxResults: LIMITS.listPage, nextToken }))),
          (page) => { for (const arn of page.taskDefinitionArns ?? []) describes.push(describeTaskDefinition(arn)); });
      } else {
        await paginate('ListTaskDefinitionFamilies',
          (nextToken) => send('ListTaskDefinitionFamilies', (c) => c.send(new ListTaskDefinitionFamiliesCommand({ status: 'ACTIVE', maxResults: LIMITS.listPage, nextToken }))),
          (page) => { for (const family of page.families ?? []) describes.push(describeTaskDefinition(family)); });
      }
    } catch (e) {
      problem(run.allRevisions ? 'ListTaskDefinitions' : 'ListTaskDefinitionFamilies', e, 'the list of task definitions');
    }
    await Promise.all(describes);
  };

  // Clusters, services, task sets -----------------------------------------------------------
  const describeClusters = async (arns: string[]): Promise<void> => {
    try {
      const out = await send('DescribeClusters', (c) => c.send(new DescribeClustersCommand({ clusters: arns, include: ['SETTINGS', 'TAGS', 'CONFIGURATIONS'] })));
      const described = new Set<string>();
      for (const cluster of out.clusters ?? []) {
        found.push(clusterResource(cluster, scope));
        if (cluster.clusterArn) described.add(cluster.clusterArn);
      }
      const failures = new Map((out.failures ?? []).map((f) => [f.arn, f]));
      for (const arn of arns) {
        if (described.has(arn)) continue;
        const e = failureError(failures.get(arn));
        problem('DescribeClusters', e, `cluster ${shortName(arn)}`);
        undescribed('AWS::ECS::Cluster', arn, shortName(arn), 'DescribeClusters', e);
      }
    } catch (e) {
      for (const arn of arns) {
        problem('DescribeClusters', e, `cluster ${shortName(arn)}`);
        undescribed('AWS::ECS::Cluster', arn, shortName(arn), 'DescribeClusters', e);
      }
    }
  };

  const describeTaskSets = async (cluster: string, service: Service): Promise<void> => {
    const name = service.serviceName ?? shortName(service.serviceArn ?? '?');
    const embedded = service.taskSets ?? [];
    const fallback = (why: string, except: Set<string>) => {
      for (const ts of embedded) {
        if (ts.taskSetArn && except.has(ts.taskSetArn)) continue;
        found.push(taskSetResource(ts, scope, `${why}: the task set is judged from the copy in DescribeServices, which carries no tags`));
      }
    };
    try {
      const out = await send('DescribeTaskSets', (c) => c.send(new DescribeTaskSetsCommand({ cluster, service: service.serviceArn ?? name, include: ['TAGS'] })));
      const described = new Set<string>();
      for (const ts of out.taskSets ?? []) {
        found.push(taskSetResource(ts, scope));
        if (ts.taskSetArn) described.add(ts.taskSetArn);
      }
      const missing = embedded.filter((ts) => !ts.taskSetArn || !described.has(ts.taskSetArn));
      if (missing.length > 0) {
        const e = failureError((out.failures ?? [])[0]);
        for (const ts of missing) problem('DescribeTaskSets', e, `task set ${ts.id ?? '?'} of service ${name}`);
        fallback(`DescribeTaskSets did not return it (${describeError(e)})`, described);
      }
    } catch (e) {
      problem('DescribeTaskSets', e, `service ${name}`);
      fallback(e instanceof NotCalled ? `not described (${e.message})` : `DescribeTaskSets failed (${describeError(e)})`, new Set());
    }
  };

  /** Whether a service runs task sets: EXTERNAL or CODE_DEPLOY deployments, or task sets listed. */
  const hasTaskSets = (s: Service): boolean => {
    if ((s.taskSets?.length ?? 0) > 0) return true;
    return s.taskSets === undefined && s.deploymentController?.type === 'EXTERNAL';
  };

  const describeServices = async (cluster: string, arns: string[]): Promise<void> => {
    const taskSets: Promise<void>[] = [];
    try {
      const out = await send('DescribeServices', (c) => c.send(new DescribeServicesCommand({ cluster, services: arns, include: ['TAGS'] })));
      const described = new Set<string>();
      for (const service of out.services ?? []) {
        found.push(serviceResource(service, scope));
        if (service.serviceArn) described.add(service.serviceArn);
        if (hasTaskSets(service)) taskSets.push(describeTaskSets(cluster, service));
      }
      const failures = new Map((out.failures ?? []).map((f) => [f.arn, f]));
      for (const arn of arns) {
        if (described.has(arn)) continue;
        const e = failureError(failures.get(arn));
        problem('DescribeServices', e, `service ${shortName(arn)}`);
        undescribed('AWS::ECS::Service', arn, shortName(arn), 'DescribeServices', e);
      }
    } catch (e) {
      for (const arn of arns) {
        problem('DescribeServices', e, `service ${shortName(arn)} of cluster ${shortName(cluster)}`);
        undescribed('AWS::ECS::Service', arn, shortName(arn), 'DescribeServices', e);
      }
    }
    await Promise.all(taskSets);
  };

  const services = async (cluster: string): Promise<void> => {
    const describes: Promise<void>[] = [];
    try {
      await paginate('ListServices',
        (nextToken) => send('ListServices', (c) => c.send(new ListServicesCommand({ cluster, maxResults: LIMITS.listPage, nextToken }))),
        (page) => { for (const batch of chunks(page.serviceArns ?? [], LIMITS.describeServices)) describes.push(describeServices(cluster, batch)); });
    } catch (e) {
      problem('ListServices', e, `cluster ${shortName(cluster)}`);
    }
    await Promise.all(describes);
  };

  const clusters = async (): Promise<void> => {
    const work: Promise<void>[] = [];
    try {
      await paginate('ListClusters',
        (nextToken) => send('ListClusters', (c) => c.send(new ListClustersCommand({ maxResults: LIMITS.listPage, nextToken }))),
        (page) => {
          const arns = page.clusterArns ?? [];
          for (const batch of chunks(arns, LIMITS.describeClusters)) work.push(describeClusters(batch));
          for (const arn of arns) work.push(services(arn));
        });
    } catch (e) {
      problem('ListClusters', e, 'the list of clusters');
    }
    await Promise.all(work);
  };

  // Capacity providers ----------------------------------------------------------------------
  const capacityProviders = async (): Promise<void> => {
    let pages = 0;
    try {
      await paginate('DescribeCapacityProviders',
        (nextToken) => send('DescribeCapacityProviders', (c) => c.send(new DescribeCapacityProvidersCommand({ include: ['TAGS'], maxResults: LIMITS.capacityProvidersPage, nextToken }))),
        (page) => {
          pages++;
          for (const provider of page.capacityProviders ?? []) found.push(capacityProviderResource(provider, scope));
          for (const f of page.failures ?? []) {
            if (!f.arn) continue;
            const e = failureError(f);
            problem('DescribeCapacityProviders', e, `capacity provider ${shortName(f.arn)}`);
            undescribed('AWS::ECS::CapacityProvider', f.arn, shortName(f.arn), 'DescribeCapacityProviders', e);
          }
        });
    } catch (e) {
      problem('DescribeCapacityProviders', e, pages === 0 ? 'the list of capacity providers' : `capacity providers after page ${pages}`);
    }
  };

  await Promise.all([taskDefinitions(), clusters(), capacityProviders()]);

  const file = regionFile(scope);
  const where = `account ${scope.account}, region ${scope.region}`;
  const errors: InputError[] = [];
  const failure = regionFailure as { action: EcsReadAction; error: unknown; inARow?: number } | null;
  if (failure) {
    const why = failure.inARow ? `; ${failure.inARow} calls in a row failed so after every retry, and the region was given up` : '; the region was given up';
    errors.push({ file, line: null, column: null, message: `${failure.action} failed in ${where}: ${describeError(failure.error)}${hintFor(failure.error, failure.action)}${why}: what was not read by then was not read, and what was listed but not described is reported NOT_AVAILABLE` });
  }
  const problemErrors: InputError[] = [];
  for (const p of problems.values()) {
    // Calls in flight when the region was given up failed for the same cause, which its one error says.
    if (failure && (failureScope(p.error) !== 'call' || errorCode(p.error) === errorCode(failure.error))) continue;
    const subjects = [...new Set(p.subjects)].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    const shown = subjects.slice(0, MAX_SUBJECTS).join(', ') + (subjects.length > MAX_SUBJECTS ? ` and ${subjects.length - MAX_SUBJECTS} more` : '');
    problemErrors.push({ file, line: null, column: null, message: `${p.action} failed in ${where} for ${shown}: ${describeError(p.error)}${hintFor(p.error, p.action)}; ${p.consequence}` });
  }
  problemErrors.sort((a, b) => (a.message < b.message ? -1 : a.message > b.message ? 1 : 0));
  errors.push(...problemErrors);
  found.sort(compareResources);
  return { resources: found, errors, failed: failure ? `${failure.action}: ${describeError(failure.error)}` : null };
}
