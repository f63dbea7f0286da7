/**
 * `--all-regions`: the regions enabled for the account, from the Account API's ListRegions
 * (https://docs.aws.amazon.com/accounts/latest/reference/API_ListRegions.html) with the statuses
 * ENABLED and ENABLED_BY_DEFAULT, following NextToken. Needs `account:ListRegions`.
 */
import { AccountClient, ListRegionsCommand } from '@aws-sdk/client-account';
import { AwsCredentialsError } from './errors.js';
import type { AwsCredentials } from './identity.js';

/** Options of {@link enabledRegions}. */
export interface RegionListOptions {
  profile?: string;
  credentials?: AwsCredentials;
  /** The region to ask (default us-east-1). */
  region?: string;
  /** An Account client (tests). */
  client?: AccountClient;
}

/** The names of the regions enabled for the account, sorted. Throws AwsCredentialsError when they cannot be listed. */
export async function enabledRegions(options: RegionListOptions = {}): Promise<string[]> {
  const client = options.client ?? new AccountClient({ region: options.region ?? 'us-east-1', ...(options.profile ? { profile: options.profile } : {}), ...(options.credentials ? { credentials: options.credentials } : {}) });
  const out: string[] = [];
  let token: string | undefined;
  try {
    do {
      const page = await client.send(new ListRegionsCommand({ RegionOptStatusContains: ['ENABLED', 'ENABLED_BY_DEFAULT'], NextToken: token }));
      for (const r of page.Regions ?? []) if (r.RegionName) out.push(r.RegionName);
      token = page.NextToken;
    } while (token);
  } catch (e) {
    const name = (e as { name?: string }).name ?? 'Error';
    // No credentials at all is not a permissions problem: say what to do about it.
    if (name === 'CredentialsProviderError') throw new AwsCredentialsError(`no AWS credentials found to list the account's enabled regions: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, run aws sso login, or pass --profile`, 'missing', name);
    throw new AwsCredentialsError(`cannot list the account's enabled regions (${name}: ${(e as Error).message}); allow account:ListRegions, or name the regions with --region`, 'invalid', name);
  }
  return out.sort();
}
