import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ANNOTATION_LIMIT, controlsFromParameters, handler, truncate, type ConfigRuleDeps, type GetResourceConfigHistoryInput, type PutEvaluationsInput } from '../src/aws-config-rule/handler.js';

const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';
const TD_ARN = `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/win-app:7`;
const CLUSTER_ARN = `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/prod`;
const CAPTURED = '2025-03-04T10:15:30.123Z';

/** A Windows task definition as Config records it (CloudFormation schema PascalCase). */
const windowsTaskDefinition = {
  TaskDefinitionArn: TD_ARN,
  Family: 'win-app',
  NetworkMode: 'awsvpc',
  RequiresCompatibilities: ['FARGATE'],
  RuntimePlatform: { OperatingSystemFamily: 'WINDOWS_SERVER_2022_CORE' },
  ContainerDefinitions: [{ Name: 'app', Image: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/win-app:1.0.0`, Essential: true, User: 'ContainerAdministrator', LogConfiguration: { LogDriver: 'awslogs', Options: { 'awslogs-group': '/ecs/win-app' } } }],
};

/** The configuration item of an invoking event (the spelling of snapshots: `awsAccountId`, `ARN`). */
function eventItem(resourceType: string, resourceId: string, arn: string, configuration: unknown, status = 'OK') {
  return {
    relatedEvents: [],
    relationships: [],
    configuration,
    supplementaryConfiguration: {},
    tags: { team: 'payments' },
    configurationItemVersion: '1.3',
    configurationItemCaptureTime: CAPTURED,
    configurationStateId: 1741083330123,
    awsAccountId: ACCOUNT,
    configurationItemStatus: status,
    resourceType,
    resourceId,
    resourceName: arn.split('/').pop(),
    ARN: arn,
    awsRegion: REGION,
    availabilityZone: 'Regional',
    configurationStateMd5Hash: '',
    resourceCreationTime: '2025-03-01T08:00:00.000Z',
  };
}

function changeEvent(item: unknown, ruleParameters?: Record<string, unknown>, eventLeftScope = false) {
  return {
    version: '1.0',
    invokingEvent: JSON.stringify({ configurationItem: item, notificationCreationTime: '2025-03-04T10:15:31.000Z', messageType: 'ConfigurationItemChangeNotification', recordVersion: '1.3' }),
    ruleParameters: ruleParameters ? JSON.stringify(ruleParameters) : '{}',
    resultToken: 'token-123',
    eventLeftScope,
    executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/config-role`,
    configRuleArn: `arn:aws:config:${REGION}:${ACCOUNT}:config-rule/config-rule-abc123`,
    configRuleName: 'ecsguard',
    configRuleId: 'config-rule-abc123',
    accountId: ACCOUNT,
  };
}

function recorder(history?: (input: GetResourceConfigHistoryInput) => { configurationItems?: unknown[] }) {
  const puts: PutEvaluationsInput[] = [];
  const gets: GetResourceConfigHistoryInput[] = [];
  const deps: ConfigRuleDeps = {
    putEvaluations: async (input) => { puts.push(input); return {}; },
    getResourceConfigHistory: history ? async (input) => { gets.push(input); return history(input); } : undefined,
  };
  return { deps, puts, gets };
}

describe('AWS Config custom rule', () => {
  it('a Windows task definition running as ContainerAdministrator is NON_COMPLIANT for ECS.21', async () => {
    const { deps, puts } = recorder();
    const out = await handler(changeEvent(eventItem('AWS::ECS::TaskDefinition', 'win-app:7', TD_ARN, windowsTaskDefinition), { controls: 'ECS.20,ECS.21' }), {}, deps);
    assert.equal(puts.length, 1);
    const put = puts[0];
    assert.equal(put.ResultToken, 'token-123');
    assert.equal(put.Evaluations.length, 1);
    const e = put.Evaluations[0];
    assert.equal(e.ComplianceResourceType, 'AWS::ECS::TaskDefinition');
    assert.equal(e.ComplianceResourceId, 'win-app:7');
    assert.equal(e.ComplianceType, 'NON_COMPLIANT');
    assert.deepEqual(e.OrderingTimestamp, new Date(CAPTURED));
    assert.match(e.Annotation!, /^Failed ECS\.21:/);
    assert.match(e.Annotation!, /ContainerAdministrator/);
    assert.ok(e.Annotation!.length <= ANNOTATION_LIMIT);
    assert.deepEqual(out.findings.map((f) => f.control), ['ECS.21'], 'only the chosen controls ran (ECS.20 does not apply to Windows)');
  });

  it('a cluster: ECS.12 decides COMPLIANT or NON_COMPLIANT', async () => {
    const cluster = (value: string) => eventItem('AWS::ECS::Cluster', 'prod', CLUSTER_ARN, { ClusterName: 'prod', Arn: CLUSTER_ARN, ClusterSettings: [{ Name: 'containerInsights', Value: value }] });
    const off = recorder();
    await handler(changeEvent(cluster('disabled'), { controls: ['ECS.12'] }), undefined, off.deps);
    assert.equal(off.puts[0].Evaluations[0].ComplianceType, 'NON_COMPLIANT');
    assert.match(off.puts[0].Evaluations[0].Annotation!, /ECS\.12/);
    const on = recorder();
    await handler(changeEvent(cluster('enabled'), { controls: 'ECS.12' }), undefined, on.deps);
    assert.equal(on.puts[0].Evaluations[0].ComplianceType, 'COMPLIANT');
    assert.equal(on.puts[0].Evaluations[0].Annotation, 'Passed ECS.12.');
  });

  it('a configuration given as a JSON string is read too', async () => {
    const { deps, puts } = recorder();
    const item = eventItem('AWS::ECS::TaskDefinition', 'win-app:7', TD_ARN, JSON.stringify(windowsTaskDefinition));
    await handler(changeEvent(item, { controls: 'ECS.21' }), undefined, deps);
    assert.equal(puts[0].Evaluations[0].ComplianceType, 'NON_COMPLIANT');
  });

  it('a deleted resource is NOT_APPLICABLE, and so is one that left the scope', async () => {
    const deleted = recorder();
    await handler(changeEvent({ ...eventItem('AWS::ECS::Cluster', 'prod', CLUSTER_ARN, null, 'ResourceDeleted') }), undefined, deleted.deps);
    assert.equal(deleted.puts[0].Evaluations[0].ComplianceType, 'NOT_APPLICABLE');
    assert.match(deleted.puts[0].Evaluations[0].Annotation!, /ResourceDeleted/);
    const left = recorder();
    await handler(changeEvent(eventItem('AWS::ECS::Cluster', 'prod', CLUSTER_ARN, { ClusterSettings: [] }), undefined, true), undefined, left.deps);
    assert.equal(left.puts[0].Evaluations[0].ComplianceType, 'NOT_APPLICABLE');
  });

  it('an unknown value gives NOT_APPLICABLE, never COMPLIANT', async () => {
    const { deps, puts } = recorder();
    await handler(changeEvent(eventItem('AWS::ECS::TaskDefinition', 'win-app:7', TD_ARN, '{not json'), { controls: 'ECS.21' }), undefined, deps);
    assert.equal(puts[0].Evaluations[0].ComplianceType, 'NOT_APPLICABLE');
    assert.match(puts[0].Evaluations[0].Annotation!, /Could not judge ECS\.21/);
  });

  it('an oversized item is fetched with GetResourceConfigHistory', async () => {
    const historyItem = {
      version: '1.3',
      accountId: ACCOUNT,
      configurationItemCaptureTime: new Date(CAPTURED),
      configurationItemStatus: 'OK',
      arn: TD_ARN,
      resourceType: 'AWS::ECS::TaskDefinition',
      resourceId: 'win-app:7',
      awsRegion: REGION,
      tags: { team: 'payments' },
      configuration: JSON.stringify(windowsTaskDefinition),
    };
    const { deps, puts, gets } = recorder(() => ({ configurationItems: [historyItem] }));
    const event = {
      ...changeEvent(null),
      invokingEvent: JSON.stringify({
        configurationItemSummary: { changeType: 'UPDATE', configurationItemVersion: '1.3', configurationItemCaptureTime: CAPTURED, configurationStateId: 1741083330123, awsAccountId: ACCOUNT, configurationItemStatus: 'OK', resourceType: 'AWS::ECS::TaskDefinition', resourceId: 'win-app:7', resourceName: 'win-app:7', ARN: TD_ARN, awsRegion: REGION, availabilityZone: 'Regional', configurationStateMd5Hash: '', resourceCreationTime: CAPTURED },
        messageType: 'OversizedConfigurationItemChangeNotification',
        notificationCreationTime: '2025-03-04T10:15:31.000Z',
        recordVersion: '1.3',
      }),
      ruleParameters: JSON.stringify({ controls: 'ECS.21' }),
    };
    await handler(event, undefined, deps);
    assert.deepEqual(gets, [{ resourceType: 'AWS::ECS::TaskDefinition', resourceId: 'win-app:7', laterTime: new Date(CAPTURED), limit: 1 }]);
    assert.equal(puts[0].Evaluations[0].ComplianceType, 'NON_COMPLIANT');
    assert.deepEqual(puts[0].Evaluations[0].OrderingTimestamp, new Date(CAPTURED));
  });

  it('an oversized item without a history dependency is an error', async () => {
    const { deps } = recorder();
    const event = { ...changeEvent(null), invokingEvent: JSON.stringify({ configurationItemSummary: { resourceType: 'AWS::ECS::Cluster', resourceId: 'prod', configurationItemStatus: 'OK', configurationItemCaptureTime: CAPTURED }, messageType: 'OversizedConfigurationItemChangeNotification' }) };
    await assert.rejects(handler(event, undefined, deps), /getResourceConfigHistory/);
  });

  it('a scheduled notification evaluates nothing', async () => {
    const { deps, puts } = recorder();
    const out = await handler({ ...changeEvent(null), invokingEvent: JSON.stringify({ awsAccountId: ACCOUNT, notificationCreationTime: '2025-03-04T10:00:00.000Z', messageType: 'ScheduledNotification', recordVersion: '1.0' }) }, undefined, deps);
    assert.equal(puts.length, 0);
    assert.deepEqual(out.evaluations, []);
  });

  it('other resource types are NOT_APPLICABLE', async () => {
    const { deps, puts } = recorder();
    await handler(changeEvent({ ...eventItem('AWS::S3::Bucket', 'logs', 'arn:aws:s3:::logs', {}) }), undefined, deps);
    assert.equal(puts[0].Evaluations[0].ComplianceType, 'NOT_APPLICABLE');
  });

  it('rule parameters and annotations', () => {
    assert.deepEqual(controlsFromParameters('{"controls":"ECS.20, ECS.21"}'), ['ECS.20', 'ECS.21']);
    assert.equal(controlsFromParameters('{}'), undefined);
    assert.equal(controlsFromParameters(undefined), undefined);
    assert.throws(() => controlsFromParameters('{"controls":3}'), /controls/);
    const long = truncate('x'.repeat(400));
    assert.equal([...long].length, ANNOTATION_LIMIT);
    assert.ok(long.endsWith('…'));
  });
});
