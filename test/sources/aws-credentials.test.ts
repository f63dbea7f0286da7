import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mockClient } from 'aws-sdk-client-mock';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { fixtureAccount, fixtureArns, startEcsLoopback, type EcsLoopback } from '../helpers/ecs-loopback.js';
import { AwsCredentialsError, collectAws, resolveIdentity } from '../../src/sources/aws/index.js';
import { credentialsErrorOf, describeError, failureScope, isThrottling } from '../../src/sources/aws/errors.js';
import { Scan } from '../../src/engine/scan.js';

// The role's account: the loopback plays it, so the ECS calls made with the session credentials land there.
const ROLE_ACCOUNT = '444455556666';
const ROLE_ARN = `arn:aws:iam::${ROLE_ACCOUNT}:role/SecurityAudit`;
const BASE = { accessKeyId: 'AKIDCALLER', secretAccessKey: 'caller-secret' };
const inAnHour = () => new Date(Date.now() + 3600_000);
const sessionCredentials = (expiration: Date, key = 'ASIAROLESESSION') => ({
  Credentials: { AccessKeyId: key, SecretAccessKey: 'role-secret', SessionToken: `token-of-${key}`, Expiration: expiration },
  AssumedRoleUser: { Arn: `arn:aws:sts::${ROLE_ACCOUNT}:assumed-role/SecurityAudit/ecsguard`, AssumedRoleId: 'AROAEXAMPLE:ecsguard' },
});
const awsError = (name: string, message: string) => Object.assign(new Error(message), { name, $metadata: { httpStatusCode: 403 } });

let lb: EcsLoopback;
const sts = mockClient(STSClient);

before(async () => {
  lb = await startEcsLoopback({ account: ROLE_ACCOUNT, fixture: fixtureAccount(ROLE_ACCOUNT), pageSize: { ListServices: 25 } });
});
after(async () => {
  sts.restore();
  await lb.close();
});
afterEach(() => {
  sts.reset();
  lb.requests.length = 0;
});

describe('live AWS source: STS AssumeRole (--role-arn)', () => {
  it('assumes the role with the external ID, then reads ECS with the session credentials', async () => {
    sts.on(AssumeRoleCommand).resolves(sessionCredentials(inAnHour()));
    const scan = new Scan();
    const out = await collectAws({ regions: ['eu-west-1'], endpoint: lb.endpoint, credentials: BASE, roleArn: ROLE_ARN, externalId: 'audit-7f3a', maxAttempts: 1 }, (r) => scan.add(r));
    const calls = sts.commandCalls(AssumeRoleCommand);
    assert.equal(calls.length, 1, 'the role is assumed once');
    assert.deepEqual(calls[0].args[0].input, { RoleArn: ROLE_ARN, RoleSessionName: 'ecsguard', ExternalId: 'audit-7f3a', DurationSeconds: 3600 });
    assert.equal(sts.commandCalls(GetCallerIdentityCommand).length, 0, 'AssumeRole already names the account');
    assert.equal(out.account, ROLE_ACCOUNT);
    assert.deepEqual(out.errors, []);
    assert.ok(lb.requests.length > 0);
    for (const q of lb.requests) {
      assert.equal(q.accessKeyId, 'ASIAROLESESSION', `${q.action} signed with the role session`);
      assert.equal(q.sessionToken, 'token-of-ASIAROLESESSION');
    }
    const result = scan.result();
    const a = fixtureArns(ROLE_ACCOUNT);
    assert.equal(result.findings.find((f) => f.resource.id === a.dev && f.control === 'ECS.12')?.status, 'FAILED');
  });

  it('a role that cannot be assumed stops the scan with AwsCredentialsError naming the role', async () => {
    sts.on(AssumeRoleCommand).rejects(awsError('AccessDenied', `User: arn:aws:iam::111122223333:user/alice is not authorized to perform: sts:AssumeRole on resource: ${ROLE_ARN}`));
    await assert.rejects(
      collectAws({ regions: ['eu-west-1'], endpoint: lb.endpoint, credentials: BASE, roleArn: ROLE_ARN, externalId: 'wrong-id' }, () => {}),
      (e: unknown) => {
        assert.ok(e instanceof AwsCredentialsError);
        assert.equal(e.problem, 'assume-role');
        assert.equal(e.code, 'AccessDenied');
        assert.match(e.message, /could not assume role arn:aws:iam::444455556666:role\/SecurityAudit/);
        assert.match(e.message, /trust policy/);
        assert.match(e.message, /external ID/);
        return true;
      });
    assert.equal(lb.requests.length, 0, 'no ECS call without credentials');
    assert.equal(sts.commandCalls(AssumeRoleCommand).length, 1, 'a denial is not asked again in another region');
  });

  it('assumed-role credentials are refreshed before they expire, and not before', async () => {
    sts.on(AssumeRoleCommand).resolvesOnce(sessionCredentials(new Date(Date.now() + 60_000), 'ASIAFIRST')).resolves(sessionCredentials(inAnHour(), 'ASIASECOND'));
    const identity = await resolveIdentity({ region: 'eu-west-1', credentials: BASE, roleArn: ROLE_ARN });
    assert.equal(identity.account, ROLE_ACCOUNT);
    assert.equal(identity.arn, `arn:aws:sts::${ROLE_ACCOUNT}:assumed-role/SecurityAudit/ecsguard`);
    const provider = identity.credentials as () => Promise<{ accessKeyId: string }>;
    // The first session expires within the 5-minute margin: the next use assumes the role again.
    assert.equal((await provider()).accessKeyId, 'ASIASECOND');
    assert.equal((await provider()).accessKeyId, 'ASIASECOND');
    assert.equal(sts.commandCalls(AssumeRoleCommand).length, 2);
  });

  it('with no external ID the request carries none; the session name can be set', async () => {
    sts.on(AssumeRoleCommand).resolves(sessionCredentials(inAnHour()));
    await resolveIdentity({ region: 'eu-west-1', credentials: BASE, roleArn: ROLE_ARN, roleSessionName: 'nightly scan #4' });
    const input = sts.commandCalls(AssumeRoleCommand)[0].args[0].input;
    assert.equal(input.ExternalId, undefined);
    assert.equal(input.RoleSessionName, 'nightly-scan--4');
  });
});

describe('live AWS source: what STS errors mean', () => {
  it('GetCallerIdentity errors become AwsCredentialsError with advice', async () => {
    const cases: [string, string, RegExp][] = [
      ['ExpiredToken', 'expired', /expired.*aws sso login/],
      ['InvalidClientTokenId', 'invalid', /rejected.*access key/],
      ['SignatureDoesNotMatch', 'invalid', /rejected/],
    ];
    for (const [code, problem, message] of cases) {
      sts.reset();
      sts.on(GetCallerIdentityCommand).rejects(awsError(code, `${code} from STS`));
      await assert.rejects(resolveIdentity({ region: 'eu-west-1', credentials: BASE }), (e: unknown) => {
        assert.ok(e instanceof AwsCredentialsError, code);
        assert.equal(e.problem, problem, code);
        assert.equal(e.code, code);
        assert.match(e.message, message);
        return true;
      });
    }
  });

  it('asks STS in the partition home region when the first region rejects the call (opt-in region not enabled)', async () => {
    const regions: string[] = [];
    sts.on(GetCallerIdentityCommand).callsFake(async (_input, getClient) => {
      const region = await (getClient() as STSClient).config.region();
      regions.push(region);
      if (region === 'ap-east-2') throw awsError('InvalidClientTokenId', 'The security token included in the request is invalid');
      return { Account: ROLE_ACCOUNT, Arn: `arn:aws:iam::${ROLE_ACCOUNT}:user/scanner`, UserId: 'AIDA' };
    });
    const identity = await resolveIdentity({ region: 'ap-east-2', credentials: BASE });
    assert.deepEqual(regions, ['ap-east-2', 'us-east-1']);
    assert.equal(identity.account, ROLE_ACCOUNT);
    assert.equal(identity.partition, 'aws');
  });

  it('classifies failures by what they cost the scan', () => {
    assert.equal(failureScope(awsError('ExpiredTokenException', 'x')), 'scan');
    assert.equal(failureScope(awsError('CredentialsProviderError', 'x')), 'scan');
    assert.equal(failureScope(awsError('UnrecognizedClientException', 'x')), 'region');
    assert.equal(failureScope(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })), 'region');
    assert.equal(failureScope(awsError('AccessDeniedException', 'x')), 'call');
    assert.equal(failureScope(awsError('ThrottlingException', 'x')), 'call');
    assert.equal(failureScope(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })), 'call');
    assert.ok(isThrottling(awsError('ThrottlingException', 'Rate exceeded')));
    assert.ok(!isThrottling(awsError('AccessDeniedException', 'no')));
    assert.equal(describeError(awsError('AccessDeniedException', 'User is not authorized')), 'AccessDeniedException: User is not authorized');
    const missing = credentialsErrorOf(awsError('CredentialsProviderError', 'Could not load credentials from any providers'), "profile 'audit'");
    assert.equal(missing.problem, 'missing');
    assert.match(missing.message, /no AWS credentials found in profile 'audit'/);
  });
});
