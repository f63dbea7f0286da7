import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mockClient } from 'aws-sdk-client-mock';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { fixtureAccount, startEcsLoopback, type EcsLoopback } from '../helpers/ecs-loopback.js';
import { collectOrganization } from '../../src/sources/aws/organization.js';
import { AwsCredentialsError } from '../../src/sources/aws/index.js';
import { Scan } from '../../src/engine/scan.js';

// The loopback plays the one member account whose role can be assumed.
const GOOD = '444455556666';
const DENIED = '777788889999';
const BASE = { accessKeyId: 'AKIDMANAGEMENT', secretAccessKey: 'management-secret' };
let lb: EcsLoopback;
const sts = mockClient(STSClient);
const orgs = mockClient(OrganizationsClient);

before(async () => {
  lb = await startEcsLoopback({ account: GOOD, fixture: fixtureAccount(GOOD) });
});
after(async () => {
  sts.restore();
  orgs.restore();
  await lb.close();
});

describe('organisation scans (--org)', () => {
  it('lists ACTIVE accounts across pages, scans each through the role, reports the ones it cannot assume', async () => {
    orgs.on(ListAccountsCommand)
      .resolvesOnce({ Accounts: [{ Id: DENIED, Name: 'sandbox', Status: 'ACTIVE' }, { Id: '111100002222', Name: 'closed', Status: 'SUSPENDED' }], NextToken: 'p2' })
      .resolvesOnce({ Accounts: [{ Id: GOOD, Name: 'payments', Status: 'ACTIVE' }] });
    sts.on(AssumeRoleCommand).callsFake((input: { RoleArn: string }) => {
      if (!input.RoleArn.includes(GOOD)) throw Object.assign(new Error('not authorized to perform sts:AssumeRole'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
      assert.equal(input.RoleArn, `arn:aws:iam::${GOOD}:role/OrganizationAccountAccessRole`);
      return { Credentials: { AccessKeyId: 'ASIAMEMBER', SecretAccessKey: 's', SessionToken: 't', Expiration: new Date(Date.now() + 3600_000) }, AssumedRoleUser: { Arn: `arn:aws:sts::${GOOD}:assumed-role/OrganizationAccountAccessRole/ecsguard`, AssumedRoleId: 'AROA:ecsguard' } };
    });
    const scan = new Scan({ controls: ['security-hub'] });
    const out = await collectOrganization({ regions: ['eu-west-1'], endpoint: lb.endpoint, credentials: BASE, maxAttempts: 1, organizations: new OrganizationsClient({ region: 'us-east-1', credentials: BASE }) }, (r) => scan.add(r));
    assert.equal(orgs.commandCalls(ListAccountsCommand)[1].args[0].input.NextToken, 'p2');
    assert.deepEqual(out.accounts.map((a) => [a.id, a.scanned]), [[GOOD, true], [DENIED, false]]);
    assert.ok(out.errors.some((e) => e.file === `aws://${DENIED}` && /sandbox/.test(e.message)), JSON.stringify(out.errors));
    const result = scan.result();
    assert.ok(result.findings.length > 0);
    assert.ok(result.findings.every((f) => f.resource.id.includes(`:${GOOD}:`)));
  });
  it('an organisation that cannot be listed is a credentials error (exit 2)', async () => {
    orgs.reset();
    orgs.on(ListAccountsCommand).rejects(Object.assign(new Error('You don\'t have permissions to access this resource.'), { name: 'AccessDeniedException' }));
    await assert.rejects(collectOrganization({ regions: ['eu-west-1'], credentials: BASE, organizations: new OrganizationsClient({ region: 'us-east-1', credentials: BASE }) }, () => {}), AwsCredentialsError);
  });
});
