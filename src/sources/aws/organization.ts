/**
 * Organisation scans (`--org`): the organisation's ACTIVE accounts from AWS Organizations
 * ListAccounts (https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListAccounts.html,
 * called from the management account or a delegated administrator), each scanned through a role
 * assumed in it (default `OrganizationAccountAccessRole`), a few accounts at a time. An account
 * whose role cannot be assumed, or whose scan fails, is an error naming it; the others go on.
 * Resources are handed on in account order, so two scans give the same report.
 */
import { ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import type { InputError, Resource } from '../../model/index.js';
import { AwsCredentialsError, AwsUsageError } from './errors.js';
import { partitionOf } from './identity.js';
import { collectAws, type AwsScanOptions } from './index.js';

/** Options of {@link collectOrganization}: those of a one-account scan, minus the role, plus these. */
export interface OrganizationScanOptions extends Omit<AwsScanOptions, 'roleArn' | 'account'> {
  /** The role to assume in each account (default `OrganizationAccountAccessRole`). */
  orgRoleName?: string;
  /** Accounts scanned at once (default 4). */
  accountConcurrency?: number;
  /** An Organizations client (tests); default: one with the scan's profile or credentials. */
  organizations?: OrganizationsClient;
}

/** What an organisation scan did, per account. */
export interface OrganizationOutcome {
  errors: InputError[];
  accounts: { id: string; name: string; scanned: boolean; resources: number }[];
  calls: number;
  throttled: number;
}

const ROLE_NAME = /^[\w+=,.@/-]{1,64}$/;

/** Lists the organisation's ACTIVE accounts, following NextToken to the end. */
export async function listActiveAccounts(client: OrganizationsClient): Promise<{ id: string; name: string }[]> {
  const out: { id: string; name: string }[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new ListAccountsCommand({ NextToken: token }));
    for (const a of page.Accounts ?? []) {
      const state = (a as { State?: string }).State ?? a.Status;
      if (a.Id && state === 'ACTIVE') out.push({ id: a.Id, name: a.Name ?? a.Id });
    }
    token = page.NextToken;
  } while (token);
  return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * Scans every ACTIVE account of the organisation. Throws AwsCredentialsError when the
 * organisation itself cannot be listed (no credentials, not the management or a delegated
 * account), AwsUsageError for bad options.
 */
export async function collectOrganization(options: OrganizationScanOptions, onResource: (resource: Resource) => void): Promise<OrganizationOutcome> {
  const roleName = options.orgRoleName ?? 'OrganizationAccountAccessRole';
  if (!ROLE_NAME.test(roleName)) throw new AwsUsageError(`--org-role-name must be an IAM role name, got '${roleName}'`);
  if (!options.regions?.length) throw new AwsUsageError('--org needs the regions to scan: --region eu-west-1');
  const client = options.organizations ?? new OrganizationsClient({ region: options.regions[0], ...(options.profile ? { profile: options.profile } : {}), ...(options.credentials ? { credentials: options.credentials } : {}) });
  let accounts: { id: string; name: string }[];
  try {
    accounts = await listActiveAccounts(client);
  } catch (e) {
    const name = (e as { name?: string }).name ?? 'Error';
    // No credentials at all is not a permissions problem: say what to do about it.
    if (name === 'CredentialsProviderError') throw new AwsCredentialsError(`no AWS credentials found to list the organisation's accounts: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, run aws sso login, or pass --profile`, 'missing', name);
    throw new AwsCredentialsError(`cannot list the organisation's accounts (${name}: ${(e as Error).message}); run --org with credentials of the management account or a delegated administrator, with organizations:ListAccounts`, 'invalid', name);
  }
  const outcome: OrganizationOutcome = { errors: [], accounts: [], calls: 0, throttled: 0 };
  const buffers = accounts.map(() => [] as Resource[]);
  const bound = Math.max(1, Math.min(16, options.accountConcurrency ?? 4));
  let next = 0;
  const partition = partitionOf(options.regions[0]);
  const worker = async () => {
    while (next < accounts.length) {
      const i = next++;
      const account = accounts[i];
      const roleArn = `arn:${partition}:iam::${account.id}:role/${roleName}`;
      try {
        const out = await collectAws({ ...options, roleArn }, (r) => buffers[i].push(r));
        outcome.errors.push(...out.errors);
        outcome.calls += out.calls;
        outcome.throttled += out.throttled;
        outcome.accounts[i] = { ...account, scanned: true, resources: buffers[i].length };
      } catch (e) {
        const why = e instanceof AwsCredentialsError || e instanceof Error ? e.message : String(e);
        outcome.errors.push({ file: `aws://${account.id}`, line: null, column: null, message: `account ${account.id} (${account.name}) not scanned: ${why}` });
        outcome.accounts[i] = { ...account, scanned: false, resources: buffers[i].length };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(bound, accounts.length) }, worker));
  // Handed on in account order, whatever order the accounts finished in.
  for (const list of buffers) for (const r of list) onResource(r);
  return outcome;
}
