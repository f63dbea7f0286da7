/**
 * What an AWS SDK failure means for a scan: which errors end it (no usable credentials), which
 * end one region (the region is not enabled, the endpoint cannot be reached), and which lose one
 * call only (access denied on one action, retries exhausted).
 */
import { ConfigError } from '../../engine/configuration.js';

/** Why a scan could not establish who it runs as. */
export type AwsCredentialsProblem = 'missing' | 'expired' | 'invalid' | 'assume-role' | 'unreachable';

/**
 * No usable AWS credentials: none found, expired, rejected, a role that cannot be assumed, or STS
 * unreachable while checking them. The scan cannot start (or cannot go on); the CLI exits 2.
 * `message` tells the user what to do; `code` is the AWS error name behind it, when there was one.
 */
export class AwsCredentialsError extends Error {
  override readonly name = 'AwsCredentialsError';
  constructor(
    message: string,
    readonly problem: AwsCredentialsProblem,
    readonly code: string | null = null,
  ) {
    super(message);
  }
}

/**
 * Invalid options (no region, a malformed region name or role ARN): a usage error. It is a
 * {@link ConfigError}, so callers that already turn ConfigError into exit code 2 need nothing more.
 */
export class AwsUsageError extends ConfigError {
  override name = 'AwsUsageError';
}

/** The fields of an SDK error (a `ServiceException` or a Node.js system error) that matter here. */
interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  $metadata?: { httpStatusCode?: unknown; attempts?: unknown };
  $retryable?: { throttling?: unknown };
  $fault?: unknown;
  cause?: unknown;
}

const THROTTLING = new Set([
  'ThrottlingException', 'Throttling', 'TooManyRequestsException', 'RequestLimitExceeded', 'RequestThrottled',
  'RequestThrottledException', 'ThrottledException', 'SlowDown', 'ProvisionedThroughputExceededException',
]);

/** Errors that say the credentials are missing or no longer valid anywhere. */
const EXPIRED = new Set(['ExpiredToken', 'ExpiredTokenException', 'RequestExpired', 'TokenRefreshRequired']);

/**
 * Errors that say the credentials are not accepted. In one region while others work, they mean the
 * region is not enabled for the account (an opt-in region answers UnrecognizedClientException).
 */
const REJECTED = new Set([
  'UnrecognizedClientException', 'InvalidClientTokenId', 'InvalidSignatureException', 'SignatureDoesNotMatch',
  'IncompleteSignature', 'AuthFailure', 'MissingAuthenticationToken', 'InvalidAccessKeyId', 'MissingAuthenticationTokenException',
]);

const DENIED = new Set(['AccessDeniedException', 'AccessDenied', 'UnauthorizedOperation', 'UnauthorizedException']);

/** Network failures that no retry of the same endpoint will cure quickly. */
const UNREACHABLE = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'CERT_HAS_EXPIRED', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE']);

function asErrorLike(e: unknown): ErrorLike {
  return typeof e === 'object' && e !== null ? (e as ErrorLike) : {};
}

/** The AWS error name (`AccessDeniedException`) or the Node.js error code (`ECONNRESET`) of `e`. */
export function errorCode(e: unknown): string {
  const x = asErrorLike(e);
  if (typeof x.code === 'string' && /^E[A-Z_]+$|^[A-Z_]+$/.test(x.code)) return x.code;
  if (typeof x.name === 'string' && x.name !== 'Error' && x.name !== '') return x.name;
  const cause = asErrorLike(x.cause);
  if (typeof cause.code === 'string') return cause.code;
  return typeof x.name === 'string' && x.name ? x.name : 'Error';
}

/** The message of `e` on one line, without the SDK's noise. */
export function errorMessage(e: unknown): string {
  const x = asErrorLike(e);
  const raw = typeof x.message === 'string' && x.message.trim() !== '' ? x.message : String(e);
  const one = raw.replace(/\s+/g, ' ').trim();
  return one.length > 300 ? `${one.slice(0, 297)}...` : one;
}

/** `Code: message` (or just the code when the message says nothing more). */
export function describeError(e: unknown): string {
  const code = errorCode(e);
  const message = errorMessage(e);
  if (message === code || message === '' || message === 'UnknownError') return code;
  return message.startsWith(code) ? message : `${code}: ${message}`;
}

/** True when `e` is (or, after the retries, ended as) a throttling error. */
export function isThrottling(e: unknown): boolean {
  const x = asErrorLike(e);
  if (THROTTLING.has(errorCode(e))) return true;
  if (x.$retryable?.throttling === true) return true;
  return x.$metadata?.httpStatusCode === 429;
}

/** True when `e` denies access to one action (IAM policy, SCP, permissions boundary). */
export function isAccessDenied(e: unknown): boolean {
  return DENIED.has(errorCode(e));
}

const TRANSIENT = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'TimeoutError', 'RequestTimeout', 'RequestTimeoutException', 'ServerException', 'InternalFailure', 'ServiceUnavailable', 'InternalServerError']);

/**
 * True when `e` is a network or server fault (connection reset, timeout, HTTP 5xx) rather than an
 * answer about the request: the kind that, repeated after every retry, means the endpoint is down.
 */
export function isTransientFailure(e: unknown): boolean {
  if (TRANSIENT.has(errorCode(e))) return true;
  const status = asErrorLike(e).$metadata?.httpStatusCode;
  return typeof status === 'number' && status >= 500;
}

/** What a failure means for the rest of the scan. */
export type FailureScope =
  /** Credentials missing or expired: nothing more can be read anywhere. */
  | 'scan'
  /** This region cannot be read at all (not enabled, endpoint unreachable): stop calling it. */
  | 'region'
  /** Only this call failed (access denied on one action, retries exhausted, a bad parameter). */
  | 'call';

/** The scope of a failure, for a call made after the credentials were checked once. */
export function failureScope(e: unknown): FailureScope {
  const code = errorCode(e);
  if (code === 'CredentialsProviderError' || EXPIRED.has(code)) return 'scan';
  if (REJECTED.has(code) || UNREACHABLE.has(code)) return 'region';
  return 'call';
}

/** A hint for the user about an error code, or ''. */
export function hintFor(e: unknown, action: string): string {
  const code = errorCode(e);
  if (DENIED.has(code)) return ` (the credentials lack ecs:${action}, or a service control policy or permissions boundary denies it)`;
  if (REJECTED.has(code)) return ' (is the region enabled for the account? Opt-in regions answer this way until they are enabled)';
  if (UNREACHABLE.has(code)) return ' (the endpoint cannot be reached: check the network, a proxy, or --endpoint)';
  if (isThrottling(e)) return ' (still throttled after every retry: run again later, lower the concurrency, or raise --max-attempts)';
  return '';
}

/**
 * Turns a failure while establishing the identity (credential chain, STS) into an
 * {@link AwsCredentialsError} that says what to do. `how` describes where the credentials were
 * looked for (`the default credential chain`, `profile 'prod'`).
 */
export function credentialsErrorOf(e: unknown, how: string, roleArn?: string): AwsCredentialsError {
  if (e instanceof AwsCredentialsError) return e;
  const code = errorCode(e);
  const what = describeError(e);
  if (code === 'CredentialsProviderError' || /Could not load credentials|credential/i.test(code)) {
    return new AwsCredentialsError(
      `no AWS credentials found in ${how}: ${what}. Set AWS_PROFILE or pass --profile, export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run 'aws sso login' (or 'aws configure') first`,
      'missing', code);
  }
  if (EXPIRED.has(code) || /expired/i.test(what)) {
    return new AwsCredentialsError(
      `the AWS credentials from ${how} have expired: ${what}. Refresh them ('aws sso login --profile ...', or new session credentials) and run again`,
      'expired', code);
  }
  if (REJECTED.has(code)) {
    return new AwsCredentialsError(
      `the AWS credentials from ${how} were rejected: ${what}. Check the access key and secret (or the session token that goes with them) and that the key is still active`,
      'invalid', code);
  }
  if (roleArn) {
    return new AwsCredentialsError(
      `could not assume role ${roleArn}: ${what}. The caller needs sts:AssumeRole on it, and the role's trust policy must trust the caller${code === 'AccessDenied' ? ' (and require exactly this external ID, if it requires one)' : ''}`,
      'assume-role', code);
  }
  if (UNREACHABLE.has(code) || code === 'TimeoutError' || code === 'ECONNRESET' || code === 'ETIMEDOUT') {
    return new AwsCredentialsError(
      `could not reach AWS STS to check the credentials from ${how}: ${what}. Check the network or proxy settings (or --endpoint-url)`,
      'unreachable', code);
  }
  return new AwsCredentialsError(`could not check the AWS credentials from ${how} with STS GetCallerIdentity: ${what}`, 'invalid', code);
}
