import { describe, it, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { mockClient } from 'aws-sdk-client-mock';
import { BatchImportFindingsCommand, GetFindingsCommand, SecurityHubClient, type AwsSecurityFinding } from '@aws-sdk/client-securityhub';
import { publishFindings } from '../../src/publish/securityhub.js';

const shMock = mockClient(SecurityHubClient);
const finding = (i: number, status = 'FAILED'): AwsSecurityFinding => ({
  SchemaVersion: '2018-10-08',
  Id: `ecsguard/111122223333/eu-west-1/ECS.21/td-${i}`,
  ProductArn: 'arn:aws:securityhub:eu-west-1:111122223333:product/111122223333/default',
  GeneratorId: 'ecsguard/ECS.21',
  AwsAccountId: '111122223333',
  Types: ['Software and Configuration Checks/Industry and Regulatory Standards'],
  CreatedAt: '2026-11-29T12:00:00.000Z',
  UpdatedAt: '2026-11-29T12:00:00.000Z',
  Severity: { Label: 'MEDIUM' },
  Title: 'ECS.21',
  Description: 'd',
  Resources: [{ Type: 'Other', Id: `td-${i}` }],
  Compliance: { Status: status as 'FAILED' },
  Workflow: { Status: status === 'PASSED' ? 'RESOLVED' : 'NEW' },
  RecordState: 'ACTIVE',
});

describe('publishing to Security Hub (BatchImportFindings)', () => {
  beforeEach(() => shMock.reset());

  it('sends at most 100 findings a call and tags them with the scope', async () => {
    shMock.on(BatchImportFindingsCommand).callsFake((input: { Findings: AwsSecurityFinding[] }) => ({ FailedCount: 0, SuccessCount: input.Findings.length, FailedFindings: [] }));
    const r = await publishFindings(new SecurityHubClient({ region: 'eu-west-1' }), Array.from({ length: 250 }, (_, i) => finding(i)), { scope: 'infra/', backoffMs: 0 });
    const calls = shMock.commandCalls(BatchImportFindingsCommand);
    assert.deepEqual(calls.map((c) => c.args[0].input.Findings?.length), [100, 100, 50]);
    assert.equal(r.imported, 250);
    assert.deepEqual(r.failed, []);
    assert.equal(calls[0].args[0].input.Findings?.[0].ProductFields?.['ecsguard/scope'], 'infra/');
  });

  it('retries the findings Security Hub rejects, then reports those that still fail', async () => {
    let call = 0;
    shMock.on(BatchImportFindingsCommand).callsFake((input: { Findings: AwsSecurityFinding[] }) => {
      call++;
      const bad = input.Findings.filter((f) => f.Id?.endsWith('td-3') || (call === 1 && f.Id?.endsWith('td-1')));
      return { FailedCount: bad.length, SuccessCount: input.Findings.length - bad.length, FailedFindings: bad.map((f) => ({ Id: f.Id, ErrorCode: 'InvalidInput', ErrorMessage: 'nope' })) };
    });
    const r = await publishFindings(new SecurityHubClient({ region: 'eu-west-1' }), [finding(1), finding(2), finding(3)], { scope: 's', backoffMs: 0, retries: 2 });
    const sent = shMock.commandCalls(BatchImportFindingsCommand).map((c) => c.args[0].input.Findings?.map((f) => f.Id?.slice(-4)));
    assert.deepEqual(sent, [['td-1', 'td-2', 'td-3'], ['td-1', 'td-3'], ['td-3']]);
    assert.equal(r.imported, 2);
    assert.deepEqual(r.failed, [{ id: 'ecsguard/111122223333/eu-west-1/ECS.21/td-3', code: 'InvalidInput', message: 'nope' }]);
  });

  it('a re-scan archives this scope\'s findings that are gone, and leaves other scopes alone', async () => {
    shMock.on(BatchImportFindingsCommand).callsFake((input: { Findings: AwsSecurityFinding[] }) => ({ FailedCount: 0, SuccessCount: input.Findings.length }));
    const gone = { ...finding(9), ProductFields: { 'ecsguard/scope': 's' } };
    const otherScope = { ...finding(8), ProductFields: { 'ecsguard/scope': 'other' } };
    shMock.on(GetFindingsCommand).resolvesOnce({ Findings: [gone], NextToken: 't' }).resolvesOnce({ Findings: [otherScope, { ...finding(1), ProductFields: { 'ecsguard/scope': 's' } }] });
    const r = await publishFindings(new SecurityHubClient({ region: 'eu-west-1' }), [finding(1, 'PASSED')], { scope: 's', backoffMs: 0, archiveMissing: true, now: new Date('2026-11-30T00:00:00Z') });
    assert.equal(r.archived, 1);
    const calls = shMock.commandCalls(BatchImportFindingsCommand);
    assert.equal(calls.length, 2);
    const archived = calls[1].args[0].input.Findings!;
    assert.deepEqual(archived.map((f) => [f.Id, f.RecordState, f.UpdatedAt]), [[gone.Id, 'ARCHIVED', '2026-11-30T00:00:00.000Z']]);
    const filters = shMock.commandCalls(GetFindingsCommand)[0].args[0].input.Filters!;
    assert.deepEqual(filters.GeneratorId, [{ Value: 'ecsguard/', Comparison: 'PREFIX' }]);
    assert.equal(shMock.commandCalls(GetFindingsCommand)[1].args[0].input.NextToken, 't');
  });

  it('a fixed resource is re-imported PASSED with Workflow RESOLVED under the same Id', async () => {
    shMock.on(BatchImportFindingsCommand).resolves({ FailedCount: 0, SuccessCount: 1 });
    await publishFindings(new SecurityHubClient({ region: 'eu-west-1' }), [finding(1)], { scope: 's', backoffMs: 0 });
    await publishFindings(new SecurityHubClient({ region: 'eu-west-1' }), [finding(1, 'PASSED')], { scope: 's', backoffMs: 0 });
    const [a, b] = shMock.commandCalls(BatchImportFindingsCommand).map((c) => c.args[0].input.Findings![0]);
    assert.equal(a.Id, b.Id);
    assert.deepEqual([b.Compliance?.Status, b.Workflow?.Status], ['PASSED', 'RESOLVED']);
  });
});
