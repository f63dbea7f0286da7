import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mockClient } from 'aws-sdk-client-mock';
import { AccountClient, ListRegionsCommand } from '@aws-sdk/client-account';
import { enabledRegions } from '../../src/sources/aws/regions.js';
import { AwsCredentialsError } from '../../src/sources/aws/index.js';

const account = mockClient(AccountClient);
after(() => account.restore());
const client = () => new AccountClient({ region: 'us-east-1', credentials: { accessKeyId: 'AKID', secretAccessKey: 's' } });

describe('--all-regions: the regions enabled for the account', () => {
  it('asks for ENABLED and ENABLED_BY_DEFAULT regions, follows NextToken, sorts', async () => {
    account.on(ListRegionsCommand)
      .resolvesOnce({ Regions: [{ RegionName: 'us-east-1', RegionOptStatus: 'ENABLED_BY_DEFAULT' }, { RegionName: 'eu-west-1', RegionOptStatus: 'ENABLED_BY_DEFAULT' }], NextToken: 'n' })
      .resolvesOnce({ Regions: [{ RegionName: 'af-south-1', RegionOptStatus: 'ENABLED' }] });
    assert.deepEqual(await enabledRegions({ client: client() }), ['af-south-1', 'eu-west-1', 'us-east-1']);
    const calls = account.commandCalls(ListRegionsCommand);
    assert.deepEqual(calls[0].args[0].input.RegionOptStatusContains, ['ENABLED', 'ENABLED_BY_DEFAULT']);
    assert.equal(calls[1].args[0].input.NextToken, 'n');
  });
  it('a denied ListRegions is a credentials error telling what to allow', async () => {
    account.reset();
    account.on(ListRegionsCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    await assert.rejects(enabledRegions({ client: client() }), (e: unknown) => e instanceof AwsCredentialsError && /account:ListRegions/.test((e as Error).message));
  });
});

describe('--all-regions without credentials', () => {
  it('says credentials are missing, not that a permission is', async () => {
    account.reset();
    account.on(ListRegionsCommand).rejects(Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }));
    await assert.rejects(enabledRegions({ client: client() }), (e: unknown) => e instanceof AwsCredentialsError && /no AWS credentials found/.test((e as Error).message) && (e as AwsCredentialsError).problem === 'missing');
  });
});
