/**
 * Who the scan runs as: credentials from the SDK's default chain, a named profile, credentials
 * given in code, or a role assumed with STS AssumeRole; and the account they belong to. Resolved
 * once, before any ECS call, so that missing or expired credentials stop the scan with an
 * {@link AwsCredentialsError} that says what to do, instead of one error per region and action.
 *
 * APIs: STS GetCallerIdentity (needs no permission;
 * https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html) and STS
 * AssumeRole (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html).
 */
import type { ECSClientConfig } from '@aws-sdk/client-ecs';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient, type STSClientConfig } from '@aws-sdk/client-sts';
import { AwsCredentialsError, AwsUsageError, credentialsErrorOf, failureScope, isTransientFailure } from './errors.js';

/** Credentials as the SDK takes them: a fixed identity, or a function that returns (and refreshes) one. */
export type AwsCredentials = NonNullable<ECSClientConfig['credentials']>;

/** One set of credentials, as a credential provider returns it. */
export type AwsCredentialIdentity = Awaited<ReturnType<Extract<AwsCredentials, (...args: never[]) => unknown>>>;

/** What {@link resolveIdentity} needs: the credential fields of `AwsScanOptions`. */
export interface IdentityOptions {
  /** The region of the STS client (STS's regional endpoint). */
  region: string;
  profile?: string;
  credentials?: AwsCredentials;
  roleArn?: string;
  externalId?: string;
  roleSessionName?: string;
  /** Session length in seconds for AssumeRole (900..43200; default 3600). */
  roleDurationSeconds?: number;
  /** The account, when known: skips GetCallerIdentity (for ECS-compatible endpoints without STS). */
  account?: string;
  /** An STS-compatible endpoint (tests, LocalStack). */
  stsEndpoint?: string;
  maxAttempts?: number;
  requestTimeoutMs?: number;
}

/** The credential fields of a scan's or rollout's options, as {@link identityOptions} reads them. */
export interface CredentialFields {
  /** A profile of the shared config and credentials files (as `AWS_PROFILE`). */
  profile?: string;
  /**
   * Credentials to use instead of the default chain or `profile`: a fixed identity
   * (`{ accessKeyId, secretAccessKey, sessionToken? }`) or a provider function.
   */
  credentials?: AwsCredentials;
  /** An IAM role to assume with STS AssumeRole (the base credentials come from the options above). */
  roleArn?: string;
  /** The external ID the role's trust policy requires (only with `roleArn`). */
  externalId?: string;
  /** The role session name (default `ecsguard`), shown in the account's CloudTrail. */
  roleSessionName?: string;
  /** The account ID, when known: skips STS GetCallerIdentity (for ECS-compatible endpoints without STS). */
  account?: string;
  /** An ECS-compatible endpoint for every region, e.g. `http://127.0.0.1:4566`; default: AWS's own. */
  endpoint?: string;
  /** An STS-compatible endpoint; default: `endpoint` when given, else AWS's own. */
  stsEndpoint?: string;
}

/**
 * The {@link IdentityOptions} of a scan or rollout: its credential fields, the STS client's
 * region, and at most 5 attempts per STS call (a wrong role should fail fast).
 */
export function identityOptions(from: CredentialFields, region: string, maxAttempts: number, requestTimeoutMs?: number): IdentityOptions {
  return {
    region,
    profile: from.profile,
    credentials: from.credentials,
    roleArn: from.roleArn,
    externalId: from.externalId,
    roleSessionName: from.roleSessionName,
    account: from.account,
    stsEndpoint: from.stsEndpoint ?? from.endpoint,
    maxAttempts: Math.min(maxAttempts, 5),
    requestTimeoutMs,
  };
}

/** The account and the credentials every ECS client of the scan shares. */
export interface AwsIdentity {
  account: string;
  /** `aws`, `aws-cn`, `aws-us-gov` ...: for the ARNs the scan has to build itself. */
  partition: string;
  /** The caller's ARN (the assumed role session's with `roleArn`), or null when `account` was given. */
  arn: string | null;
  /** A memoised provider: the chain is walked (or the role assumed) once, not once per client. */
  credentials: AwsCredentials;
  /** Where the credentials come from, for messages: `the default credential chain`, `profile 'prod'`, `role arn:...`. */
  source: string;
}

const ROLE_ARN = /^arn:(aws[a-z-]*):iam::(\d{12}):role\/[\w+=,.@\/-]+$/;
const ACCOUNT = /^\d{12}$/;
/** Refresh assumed-role credentials this long before they expire. */
const REFRESH_MARGIN_MS = 5 * 60_000;

/** The partition and account of an ARN, or null. */
export function arnParts(arn: string): { partition: string; service: string; region: string; account: string; resource: string } | null {
  const m = /^arn:([^:]+):([^:]+):([^:]*):([^:]*):(.+)$/.exec(arn);
  if (!m) return null;
  return { partition: m[1], service: m[2], region: m[3], account: m[4], resource: m[5] };
}

function describeSource(options: IdentityOptions): string {
  if (options.credentials) return 'the credentials given';
  if (options.profile) return `profile '${options.profile}'`;
  return 'the default credential chain (environment, shared config and credentials files, SSO, container or instance role)';
}

/** Validates the credential options; throws {@link AwsUsageError}. */
export function checkIdentityOptions(options: IdentityOptions): void {
  if (options.roleArn !== undefined && !ROLE_ARN.test(options.roleArn)) {
    throw new AwsUsageError(`--role-arn must be an IAM role ARN such as arn:aws:iam::111122223333:role/SecurityAudit, got '${options.roleArn}'`);
  }
  if (options.externalId !== undefined && options.roleArn === undefined) {
    throw new AwsUsageError('--external-id is used only with --role-arn');
  }
  if (options.externalId !== undefined && !/^[\w+=,.@:\/-]{2,1224}$/.test(options.externalId)) {
    throw new AwsUsageError('--external-id must be 2 to 1224 characters of letters, digits and +=,.@:/-');
  }
  if (options.account !== undefined && !ACCOUNT.test(options.account)) {
    throw new AwsUsageError(`the account must be a 12-digit AWS account ID, got '${options.account}'`);
  }
  if (options.roleDurationSeconds !== undefined && !(Number.isInteger(options.roleDurationSeconds) && options.roleDurationSeconds >= 900 && options.roleDurationSeconds <= 43200)) {
    throw new AwsUsageError('the role session duration must be a whole number of seconds from 900 to 43200');
  }
}

/** The partition of a region name: `aws-cn` for cn-*, `aws-us-gov` for us-gov-*, else `aws`. */
export function partitionOf(region: string): string {
  if (/^cn-/.test(region)) return 'aws-cn';
  if (/^us-gov-/.test(region)) return 'aws-us-gov';
  if (/^us-isob-/.test(region)) return 'aws-iso-b';
  if (/^us-iso-/.test(region)) return 'aws-iso';
  return 'aws';
}

/** A region of the partition whose STS endpoint is always enabled (never an opt-in region). */
function homeRegionOf(partition: string): string {
  return { 'aws-cn': 'cn-north-1', 'aws-us-gov': 'us-gov-west-1', 'aws-iso': 'us-iso-east-1', 'aws-iso-b': 'us-isob-east-1' }[partition] ?? 'us-east-1';
}

/**
 * Errors after which STS is worth asking again in another region: the region's answer (not enabled,
 * unreachable, a network or server fault), not a verdict on the credentials or the role.
 */
function worthAnotherRegion(e: unknown): boolean {
  if (e instanceof AwsCredentialsError) return false;
  return failureScope(e) === 'region' || isTransientFailure(e);
}

/**
 * Resolves the identity of the scan. STS is asked in `options.region`, and once more in the
 * partition's home region (us-east-1 for `aws`) when that fails for a reason other than the
 * credentials themselves, so a first region that is not enabled (an opt-in region answers
 * InvalidClientTokenId) or not reachable does not stop the scan of the others.
 *
 * Throws {@link AwsCredentialsError} when there are no usable credentials (none found, expired,
 * rejected), when the role cannot be assumed, or when STS cannot be reached to check them;
 * {@link AwsUsageError} for malformed options.
 */
export async function resolveIdentity(options: IdentityOptions): Promise<AwsIdentity> {
  checkIdentityOptions(options);
  const source = describeSource(options);
  if (options.account && !options.roleArn) {
    const sts = stsClient(options, options.region);
    // The client's resolved provider is the default chain (or the profile's), memoised: sharing it
    // means the chain is walked once for all ECS clients of the scan.
    const credentials: AwsCredentials = options.credentials ?? (sts.config.credentials as AwsCredentials);
    sts.destroy();
    return { account: options.account, partition: partitionOf(options.region), arn: null, credentials, source };
  }
  const regions = [...new Set([options.region, homeRegionOf(partitionOf(options.region))])];
  let failure: unknown = null;
  for (const region of regions) {
    const sts = stsClient(options, region);
    try {
      const base: AwsCredentials = options.credentials ?? (sts.config.credentials as AwsCredentials);
      if (options.roleArn) return await assumeRole(sts, options, options.roleArn, source);
      const who = await sts.send(new GetCallerIdentityCommand({}));
      const arn = who.Arn ?? '';
      const account = who.Account ?? arnParts(arn)?.account ?? '';
      if (!ACCOUNT.test(account)) throw new AwsCredentialsError(`STS GetCallerIdentity returned no account for ${source}`, 'invalid');
      return { account, partition: arnParts(arn)?.partition ?? partitionOf(region), arn: arn || null, credentials: base, source };
    } catch (e) {
      failure = e;
      if (!worthAnotherRegion(e)) break;
    } finally {
      // The credential providers keep working after destroy: it only closes idle sockets.
      sts.destroy();
    }
  }
  throw credentialsErrorOf(failure, source, options.roleArn);
}

function stsClient(options: IdentityOptions, region: string): STSClient {
  const config: STSClientConfig = {
    region,
    maxAttempts: options.maxAttempts ?? 3,
    requestHandler: { requestTimeout: options.requestTimeoutMs ?? 30_000, connectionTimeout: 10_000 },
  };
  if (options.profile) config.profile = options.profile;
  if (options.credentials) config.credentials = options.credentials;
  if (options.stsEndpoint) config.endpoint = options.stsEndpoint;
  return new STSClient(config);
}

/**
 * Assumes `roleArn` once now (so a trust-policy or external-ID mistake stops the scan at once),
 * and returns a provider that assumes it again shortly before the session expires.
 */
async function assumeRole(sts: STSClient, options: IdentityOptions, roleArn: string, source: string): Promise<AwsIdentity> {
  const sessionName = (options.roleSessionName ?? 'ecsguard').replace(/[^\w+=,.@-]/g, '-').slice(0, 64) || 'ecsguard';
  const refresh = async (client: STSClient): Promise<AwsCredentialIdentity & { arn: string }> => {
    const out = await client.send(new AssumeRoleCommand({
      RoleArn: roleArn,
      RoleSessionName: sessionName,
      ExternalId: options.externalId,
      DurationSeconds: options.roleDurationSeconds ?? 3600,
    }));
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey) throw new AwsCredentialsError(`STS AssumeRole of ${roleArn} returned no credentials`, 'assume-role');
    return {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
      expiration: c.Expiration,
      arn: out.AssumedRoleUser?.Arn ?? '',
    };
  };
  const first = await refresh(sts);
  const roleParts = ROLE_ARN.exec(roleArn)!;
  const sessionArn = first.arn;
  const account = arnParts(sessionArn)?.account || roleParts[2];
  const partition = arnParts(sessionArn)?.partition || roleParts[1];
  const stsConfig = sts.config;
  let current: Promise<AwsCredentialIdentity> = Promise.resolve(first);
  let expiresAt = first.expiration?.getTime() ?? Infinity;
  const provider = async (): Promise<AwsCredentialIdentity> => {
    if (Date.now() < expiresAt - REFRESH_MARGIN_MS) return current;
    // A new client, in the region that worked: the first one was destroyed once the identity was resolved.
    const client = stsClient(options, await stsConfig.region());
    const next = refresh(client).finally(() => client.destroy());
    current = next;
    expiresAt = Infinity; // one refresh at a time; set again below
    try {
      const c = await next;
      expiresAt = c.expiration?.getTime() ?? Infinity;
      return c;
    } catch (e) {
      expiresAt = 0; // try again on the next call
      throw credentialsErrorOf(e, source, roleArn);
    }
  };
  return { account, partition, arn: sessionArn || null, credentials: provider, source: `role ${roleArn} (assumed with ${source})` };
}
