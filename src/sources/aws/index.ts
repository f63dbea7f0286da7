/**
 * The live AWS source: reads the ECS task definitions, clusters, services, task sets and capacity
 * providers of one account in the given regions, read-only, and turns them into `Resource`s in
 * the ECS API shape (identified by ARN, origin `{ kind: 'aws', account, region }`, no location).
 *
 * ```ts
 * const scan = new Scan({ allRevisions: false });
 * const out = await collectAws({ regions: ['eu-west-1', 'us-east-1'], profile: 'audit' }, (r) => scan.add(r));
 * for (const e of out.errors) scan.addError(e);
 * const result = scan.result();
 * ```
 *
 * How it stays fast under ECS's API rate limits (token buckets per account, region and category of
 * actions; see ./limits.ts for the documented quotas and their source): describes are batched
 * (100 clusters, 10 services a call), at most `concurrency` requests are in flight per region,
 * regions are read in parallel (`regionConcurrency` at once), and the SDK retries throttled calls
 * in `adaptive` mode with one client per throttling bucket.
 *
 * How it fails: see {@link collectAws}. Regions must be given: listing the regions enabled for the
 * account needs EC2 DescribeRegions or Account ListRegions, whose SDK clients are not installed.
 */
import { ECSClient, type ECSClientConfig } from '@aws-sdk/client-ecs';
import type { InputError, Resource } from '../../model/index.js';
import { AwsCredentialsError, AwsUsageError, credentialsErrorOf, describeError, isThrottling } from './errors.js';
import { checkIdentityOptions, identityOptions, resolveIdentity, type AwsCredentials, type CredentialFields } from './identity.js';
import { BUCKET_OF, type EcsReadAction, type ThrottleBucket } from './limits.js';
import { Limiter, settleAll } from './pool.js';
import { collectRegion, type RegionOutcome } from './region.js';
import { regionFile } from './resources.js';

export { AwsCredentialsError, AwsUsageError, type AwsCredentialsProblem } from './errors.js';
export { identityOptions, resolveIdentity, type AwsCredentials, type AwsCredentialIdentity, type AwsIdentity } from './identity.js';
export { ECS_READ_QUOTAS, REQUIRED_IAM_ACTIONS, type BucketQuota, type EcsReadAction, type ThrottleBucket } from './limits.js';

/** Options of {@link collectAws}. Only `regions` is required. */
/** The options of a live scan: the credential fields (see {@link CredentialFields}), regions and limits. */
export interface AwsScanOptions extends CredentialFields {
  /**
   * Regions to read, e.g. `['eu-west-1', 'us-east-1']` (duplicates are read once). Required: there
   * is no "all regions" lookup here (it needs the EC2 or Account API); the caller lists them.
   */
  regions: string[];
  /** Read every ACTIVE revision of each family, not only the latest (pair with the Scan's `allRevisions`). */
  allRevisions?: boolean;
  /** Requests in flight at once per region (default 8, 1..50). */
  concurrency?: number;
  /** Regions read at once (default 4, 1..32). */
  regionConcurrency?: number;
  /** Attempts per request, the first included, before it counts as failed (default 8, 1..20). */
  maxAttempts?: number;
  /** The SDK's retry mode (default `adaptive`: retries with client-side rate limiting after throttling). */
  retryMode?: 'adaptive' | 'standard';
  /** Milliseconds a request may stay silent before it is abandoned and retried (default 30000). */
  requestTimeoutMs?: number;
  /** Called as the scan advances (after every API call and when a region starts or ends). Exceptions it throws are ignored. */
  onProgress?: (progress: AwsScanProgress) => void;
}

/** A snapshot of the scan's progress. */
export interface AwsScanProgress {
  /** What happened: a region started or ended, or an API call completed in `region`. */
  event: 'region-start' | 'call' | 'region-done' | 'region-failed';
  region: string;
  account: string;
  regionsDone: number;
  regionsTotal: number;
  /** Resources found so far, in regions already finished. */
  resources: number;
  /** HTTP requests sent so far (each retry counts). */
  calls: number;
  /** Requests answered with a throttling error so far. */
  throttled: number;
}

/** What one region gave, for the summary. */
export interface AwsRegionSummary {
  region: string;
  resources: number;
  errors: number;
  /** Why the region was given up part-way (`ListClusters: UnrecognizedClientException: ...`), or null. */
  failed: string | null;
}

/** What {@link collectAws} returns besides the resources it passed to `onResource`. */
export interface AwsScanOutcome {
  /** Problems, one per (region, action, error code), with `file` `aws://ACCOUNT/REGION`. */
  errors: InputError[];
  /** HTTP requests sent to ECS (each retry counts). */
  calls: number;
  /** Of those, the ones answered with a throttling error. */
  throttled: number;
  /** Resources passed to `onResource`. */
  resources: number;
  account: string;
  regions: AwsRegionSummary[];
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/** Clamps and checks a whole-number option; throws {@link AwsUsageError}. */
function wholeNumber(name: string, value: number | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min || value > max) throw new AwsUsageError(`${name} must be a whole number from ${min} to ${max}, got ${value}`);
  return value;
}

/** Checks `options`; returns the regions to read, deduplicated in order. Throws {@link AwsUsageError}. */
export function checkAwsScanOptions(options: AwsScanOptions): string[] {
  if (!Array.isArray(options.regions) || options.regions.length === 0) {
    throw new AwsUsageError('name at least one region to scan (--region eu-west-1); listing the regions enabled for the account is not supported');
  }
  const regions = [...new Set(options.regions.map((r) => r.trim()))];
  for (const r of regions) if (!REGION.test(r)) throw new AwsUsageError(`'${r}' is not an AWS region name (such as eu-west-1)`);
  for (const [name, value] of [['endpoint', options.endpoint], ['stsEndpoint', options.stsEndpoint]] as const) {
    if (value !== undefined && !/^https?:\/\/[^\s/]+(\/\S*)?$/.test(value)) throw new AwsUsageError(`${name} must be an http:// or https:// URL, got '${value}'`);
  }
  if (options.retryMode !== undefined && options.retryMode !== 'adaptive' && options.retryMode !== 'standard') {
    throw new AwsUsageError(`retryMode must be adaptive or standard, got '${String(options.retryMode)}'`);
  }
  wholeNumber('concurrency', options.concurrency, 8, 1, 50);
  wholeNumber('regionConcurrency', options.regionConcurrency, 4, 1, 32);
  wholeNumber('maxAttempts', options.maxAttempts, 8, 1, 20);
  wholeNumber('requestTimeoutMs', options.requestTimeoutMs, 30_000, 100, 600_000);
  checkIdentityOptions({ region: regions[0], ...options });
  return regions;
}

type Middleware = Parameters<ECSClient['middlewareStack']['addRelativeTo']>[0];

/**
 * Reads the ECS resources of the account in `options.regions` and passes each to `onResource`,
 * region by region in the order given, each region's resources in a fixed order (type, then ARN),
 * so two scans of an unchanged account give the same sequence.
 *
 * Faults are values, not exceptions, wherever the scan can go on: access denied on one action, a
 * region that fails (not enabled, unreachable), throttling that outlasts the retries, connection
 * resets. Each becomes an `InputError` whose `file` is `aws://ACCOUNT/REGION` and whose message
 * names the account, region and action; everything else is still read. A resource that was listed
 * but could not be fully described is passed on with `properties` an Unresolved marker, so the
 * engine reports NOT_AVAILABLE for every control, never PASSED (fail closed).
 *
 * Throws {@link AwsUsageError} (a ConfigError) for invalid options, and
 * {@link AwsCredentialsError} when there are no usable credentials: none found, expired, rejected
 * by STS, a role that cannot be assumed, or credentials that expire during the scan (resources
 * read before that were already passed to `onResource`). An exception thrown by `onResource` ends
 * the scan and is rethrown as it is.
 */
export async function collectAws(options: AwsScanOptions, onResource: (resource: Resource) => void): Promise<AwsScanOutcome> {
  const regions = checkAwsScanOptions(options);
  const concurrency = wholeNumber('concurrency', options.concurrency, 8, 1, 50);
  const regionConcurrency = wholeNumber('regionConcurrency', options.regionConcurrency, 4, 1, 32);
  const maxAttempts = wholeNumber('maxAttempts', options.maxAttempts, 8, 1, 20);
  const requestTimeoutMs = wholeNumber('requestTimeoutMs', options.requestTimeoutMs, 30_000, 100, 600_000);
  const identity = await resolveIdentity(identityOptions(options, regions[0], maxAttempts, requestTimeoutMs));

  const stats = { calls: 0, throttled: 0, resources: 0, regionsDone: 0 };
  let scanAbort: unknown = null;
  const progress = (event: AwsScanProgress['event'], region: string): void => {
    if (!options.onProgress) return;
    try {
      options.onProgress({ event, region, account: identity.account, regionsDone: stats.regionsDone, regionsTotal: regions.length, resources: stats.resources, calls: stats.calls, throttled: stats.throttled });
    } catch {
      // A progress display must not break the scan.
    }
  };

  // Runs inside the SDK's retry loop, so it sees every attempt. (MiddlewareType is a union of
  // the five step signatures, which gives no contextual type; this one only passes arguments on.)
  const counter = ((next: (args: object) => Promise<object>) => async (args: object): Promise<object> => {
    stats.calls++;
    try {
      return await next(args);
    } catch (e) {
      if (isThrottling(e)) stats.throttled++;
      throw e;
    }
  }) as unknown as Middleware;

  const clientConfig = (region: string): ECSClientConfig => {
    const config: ECSClientConfig = {
      region,
      credentials: identity.credentials,
      retryMode: options.retryMode ?? 'adaptive',
      maxAttempts,
      requestHandler: { requestTimeout: requestTimeoutMs, connectionTimeout: Math.min(requestTimeoutMs, 10_000) },
    };
    if (options.endpoint) config.endpoint = options.endpoint;
    return config;
  };

  const outcomes: (RegionOutcome | undefined)[] = new Array(regions.length);
  const errors: InputError[] = [];
  const summaries: AwsRegionSummary[] = [];
  let flushed = 0;
  // onResource runs inside a region's task, where an exception would be swallowed: keep the first
  // one, stop passing resources on, and throw it once the clients are closed.
  let consumerFailure: { error: unknown } | null = null;
  // Regions are passed on in the order given, each as soon as it and those before it are done.
  const flush = (): void => {
    while (flushed < regions.length && outcomes[flushed]) {
      const outcome = outcomes[flushed]!;
      for (const r of outcome.resources) {
        if (consumerFailure) break;
        try {
          onResource(r);
        } catch (e) {
          consumerFailure = { error: e };
        }
      }
      errors.push(...outcome.errors);
      summaries.push({ region: regions[flushed], resources: outcome.resources.length, errors: outcome.errors.length, failed: outcome.failed });
      outcomes[flushed] = { resources: [], errors: [], failed: outcome.failed };
      flushed++;
    }
  };

  await settleAll(regions, regionConcurrency, async (region, i) => {
    const clients = new Map<ThrottleBucket, ECSClient>();
    const client = (action: EcsReadAction): ECSClient => {
      const bucket = BUCKET_OF[action];
      let c = clients.get(bucket);
      if (!c) {
        c = new ECSClient(clientConfig(region));
        c.middlewareStack.addRelativeTo(counter, { relation: 'after', toMiddleware: 'retryMiddleware', name: 'ecsguardCallCounter' });
        clients.set(bucket, c);
      }
      return c;
    };
    progress('region-start', region);
    let outcome: RegionOutcome;
    try {
      outcome = await collectRegion({
        scope: { account: identity.account, region, partition: identity.partition },
        client,
        limiter: new Limiter(concurrency),
        allRevisions: options.allRevisions === true,
        scanAborted: () => scanAbort,
        abortScan: (e) => { scanAbort ??= e; },
        onCall: () => progress('call', region),
      });
    } catch (e) {
      // collectRegion does not throw; this guards against a bug losing the other regions.
      outcome = { resources: [], errors: [{ file: regionFile({ account: identity.account, region }), line: null, column: null, message: `reading account ${identity.account}, region ${region} failed: ${describeError(e)}` }], failed: describeError(e) };
    } finally {
      for (const c of clients.values()) c.destroy();
    }
    outcomes[i] = outcome;
    stats.resources += outcome.resources.length;
    stats.regionsDone++;
    progress(outcome.failed ? 'region-failed' : 'region-done', region);
    flush();
  });
  flush();

  if (consumerFailure) throw (consumerFailure as { error: unknown }).error;
  if (scanAbort !== null) {
    const e = credentialsErrorOf(scanAbort, identity.source);
    throw new AwsCredentialsError(`${e.message} (the scan stopped part-way: ${stats.resources} resources were read before that)`, e.problem, e.code);
  }
  return { errors, calls: stats.calls, throttled: stats.throttled, resources: stats.resources, account: identity.account, regions: summaries };
}
