import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Scan } from '../../src/engine/scan.js';
import { looksLikeConfigItems, readConfigItems } from '../../src/sources/config-items/index.js';
import { isUnresolved } from '../../src/model/index.js';

const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';
const TD_ARN = `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/win-app:7`;
const CLUSTER_ARN = `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/prod`;
const SERVICE_ARN = `arn:aws:ecs:${REGION}:${ACCOUNT}:service/prod/checkout`;

/** A Windows task definition's configuration as Config records it: the CloudFormation schema's PascalCase. */
const windowsTaskDefinition = {
  TaskDefinitionArn: TD_ARN,
  Family: 'win-app',
  NetworkMode: 'awsvpc',
  RequiresCompatibilities: ['FARGATE'],
  Cpu: '1024',
  Memory: '2048',
  RuntimePlatform: { OperatingSystemFamily: 'WINDOWS_SERVER_2022_CORE', CpuArchitecture: 'X86_64' },
  ExecutionRoleArn: `arn:aws:iam::${ACCOUNT}:role/ecsTaskExecutionRole`,
  ContainerDefinitions: [
    {
      Name: 'app',
      Image: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/win-app:1.0.0`,
      Essential: true,
      User: 'ContainerAdministrator',
      Privileged: false,
      LogConfiguration: { LogDriver: 'awslogs', Options: { 'awslogs-group': '/ecs/win-app', 'awslogs-region': REGION, 'awslogs-stream-prefix': 'app' } },
      DockerLabels: { 'com.example.Team': 'payments' },
      PortMappings: [{ ContainerPort: 80, Protocol: 'tcp' }],
    },
  ],
  Tags: [{ Key: 'team', Value: 'payments' }],
};

/** A cluster without Container Insights, as Config records it. */
const clusterConfiguration = {
  ClusterName: 'prod',
  Arn: CLUSTER_ARN,
  ClusterSettings: [{ Name: 'containerInsights', Value: 'disabled' }],
  CapacityProviders: ['FARGATE'],
  DefaultCapacityProviderStrategy: [],
  Tags: [],
};

const serviceConfiguration = {
  ServiceArn: SERVICE_ARN,
  ServiceName: 'checkout',
  Name: 'checkout',
  Cluster: CLUSTER_ARN,
  TaskDefinition: TD_ARN,
  LaunchType: 'FARGATE',
  PlatformVersion: 'LATEST',
  DesiredCount: 2,
  NetworkConfiguration: { AwsvpcConfiguration: { AssignPublicIp: 'ENABLED', Subnets: ['subnet-0abc'], SecurityGroups: ['sg-0abc'] } },
};

/** The common envelope of an item in get-resource-config-history output (camelCase `accountId`, `arn`). */
function historyItem(resourceType: string, resourceId: string, arn: string, configuration: unknown, extra: Record<string, unknown> = {}) {
  return {
    version: '1.3',
    accountId: ACCOUNT,
    configurationItemCaptureTime: '2025-03-04T10:15:30.123000+00:00',
    configurationItemStatus: 'OK',
    configurationStateId: '1741083330123',
    configurationItemMD5Hash: '',
    arn,
    resourceType,
    resourceId,
    resourceName: arn.split('/').pop(),
    awsRegion: REGION,
    availabilityZone: 'Regional',
    tags: { team: 'payments' },
    relatedEvents: [],
    relationships: [],
    configuration: JSON.stringify(configuration),
    supplementaryConfiguration: {},
    ...extra,
  };
}

function scanOf(value: unknown) {
  const text = JSON.stringify(value, null, 2);
  assert.ok(looksLikeConfigItems(value));
  const out = readConfigItems('items.json', text, value);
  const scan = new Scan({});
  out.errors.forEach((e) => scan.addError(e));
  out.resources.forEach((r) => scan.add(r));
  return { out, result: scan.result() };
}

const statusOf = (r: ReturnType<typeof scanOf>['result'], id: string, control: string) => r.findings.find((f) => f.resource.id === id && f.control === control)?.status ?? 'NOT_APPLICABLE';

describe('AWS Config configuration items', () => {
  it('get-resource-config-history: configuration is a JSON string in PascalCase; ECS.21 fails ContainerAdministrator', () => {
    const { out, result } = scanOf({ configurationItems: [historyItem('AWS::ECS::TaskDefinition', 'win-app:7', TD_ARN, windowsTaskDefinition)] });
    assert.deepEqual(out.errors, []);
    const r = out.resources[0];
    assert.equal(r.id, TD_ARN);
    assert.deepEqual(r.origin, { kind: 'aws', account: ACCOUNT, region: REGION });
    assert.equal(r.locate('containerDefinitions[0].user'), null);
    const td = r.properties as { containerDefinitions: { user: string; logConfiguration: { options: Record<string, string> }; dockerLabels: Record<string, string> }[]; family: string; revision: number; tags: unknown };
    assert.equal(td.containerDefinitions[0].user, 'ContainerAdministrator');
    assert.equal(td.containerDefinitions[0].logConfiguration.options['awslogs-group'], '/ecs/win-app', 'log options keep their keys');
    assert.deepEqual(td.containerDefinitions[0].dockerLabels, { 'com.example.Team': 'payments' });
    assert.equal(td.family, 'win-app');
    assert.equal(td.revision, 7);
    assert.deepEqual(td.tags, [{ key: 'team', value: 'payments' }], "the item's tags map");
    assert.equal(statusOf(result, TD_ARN, 'ECS.21'), 'FAILED');
    assert.equal(result.findings.find((f) => f.control === 'ECS.21')!.messageId, 'userIsAdmin');
    assert.equal(statusOf(result, TD_ARN, 'ECS.20'), 'NOT_APPLICABLE', 'ECS.20 is for Linux');
    assert.equal(statusOf(result, TD_ARN, 'ECS.4'), 'PASSED');
    assert.equal(statusOf(result, TD_ARN, 'ECS.15'), 'PASSED');
  });

  it('snapshot file delivered to S3: configuration objects, awsAccountId/ARN spelling; other types ignored', () => {
    const snapshot = {
      fileVersion: '1.0',
      configSnapshotId: '0c1b2a3d-1111-2222-3333-444455556666',
      configurationItems: [
        {
          configurationItemVersion: '1.3',
          configurationItemCaptureTime: '2025-03-04T10:15:30.123Z',
          configurationStateId: 1741083330123,
          awsAccountId: ACCOUNT,
          configurationItemStatus: 'ResourceDiscovered',
          resourceType: 'AWS::ECS::Cluster',
          resourceId: 'prod',
          resourceName: 'prod',
          ARN: CLUSTER_ARN,
          awsRegion: REGION,
          availabilityZone: 'Regional',
          configurationStateMd5Hash: '',
          configuration: clusterConfiguration,
          supplementaryConfiguration: {},
          tags: {},
          relationships: [],
        },
        {
          configurationItemVersion: '1.3',
          configurationItemCaptureTime: '2025-03-04T10:15:30.123Z',
          awsAccountId: ACCOUNT,
          configurationItemStatus: 'ResourceDiscovered',
          resourceType: 'AWS::S3::Bucket',
          resourceId: 'logs',
          ARN: 'arn:aws:s3:::logs',
          awsRegion: REGION,
          configuration: { name: 'logs' },
          tags: {},
        },
      ],
    };
    const { out, result } = scanOf(snapshot);
    assert.equal(out.resources.length, 1);
    const c = out.resources[0];
    assert.equal(c.type, 'AWS::ECS::Cluster');
    assert.deepEqual((c.properties as { settings: unknown }).settings, [{ name: 'containerInsights', value: 'disabled' }], 'ClusterSettings → settings');
    assert.equal((c.properties as { clusterArn: unknown }).clusterArn, CLUSTER_ARN);
    assert.equal(statusOf(result, CLUSTER_ARN, 'ECS.12'), 'FAILED');
    assert.equal(statusOf(result, CLUSTER_ARN, 'ECS.14'), 'FAILED', 'empty tags map: no tags');
  });

  it('select-resource-config: each result a JSON string; a service is read with clusterArn', () => {
    const item = { ...historyItem('AWS::ECS::Service', 'checkout', SERVICE_ARN, null), configuration: serviceConfiguration };
    const { out, result } = scanOf({ Results: [JSON.stringify(item)], QueryInfo: { SelectFields: [{ Name: '*' }] } });
    assert.deepEqual(out.errors, []);
    const s = out.resources[0].properties as { clusterArn: string; networkConfiguration: { awsvpcConfiguration: { assignPublicIp: string } } };
    assert.equal(s.clusterArn, CLUSTER_ARN);
    assert.equal(s.networkConfiguration.awsvpcConfiguration.assignPublicIp, 'ENABLED');
    assert.equal(statusOf(result, SERVICE_ARN, 'ECS.2'), 'FAILED');
    assert.equal(statusOf(result, SERVICE_ARN, 'ECS.13'), 'PASSED');
  });

  it('batch-get-resource-config: no tags in base items, so tag controls are NOT_AVAILABLE', () => {
    const { tags: _drop, ...base } = historyItem('AWS::ECS::Cluster', 'prod', CLUSTER_ARN, { ...clusterConfiguration, Tags: undefined, ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }] });
    void _drop;
    const { result } = scanOf({ baseConfigurationItems: [base], unprocessedResourceKeys: [] });
    assert.equal(statusOf(result, CLUSTER_ARN, 'ECS.12'), 'PASSED');
    assert.equal(statusOf(result, CLUSTER_ARN, 'ECS.14'), 'NOT_AVAILABLE');
  });

  it('deleted and no-longer-recorded items are not judged', () => {
    const items = ['ResourceDeleted', 'ResourceNotRecorded', 'ResourceDeletedNotRecorded'].map((status) => ({ ...historyItem('AWS::ECS::Cluster', 'prod', CLUSTER_ARN, {}), configurationItemStatus: status, configuration: null }));
    const { out, result } = scanOf({ configurationItems: items });
    assert.equal(out.resources.length, 0);
    assert.equal(out.errors.length, 0);
    assert.equal(result.findings.length, 0);
  });

  it('an unparsable configuration string is an error naming the item, and the resource is NOT_AVAILABLE', () => {
    const bad = { ...historyItem('AWS::ECS::TaskDefinition', 'win-app:7', TD_ARN, {}), configuration: '{"ContainerDefinitions": [' };
    const { out, result } = scanOf({ configurationItems: [bad] });
    assert.equal(out.errors.length, 1);
    assert.match(out.errors[0].message, /configurationItems\[0\].*win-app:7.*not valid JSON/);
    assert.equal(out.errors[0].file, 'items.json');
    assert.equal(typeof out.errors[0].line, 'number');
    assert.ok(isUnresolved(out.resources[0].properties));
    assert.equal(statusOf(result, TD_ARN, 'ECS.21'), 'NOT_AVAILABLE');
  });

  it('only ACTIVE task definitions are judged when Config records a status', () => {
    const inactive = historyItem('AWS::ECS::TaskDefinition', 'win-app:7', TD_ARN, { ...windowsTaskDefinition, Status: 'INACTIVE' });
    const { result } = scanOf({ configurationItems: [inactive] });
    assert.equal(result.findings.length, 0);
    assert.equal(result.skipped.length, 1);
    assert.match(result.skipped[0].reason, /INACTIVE/);
  });

  it('task sets and capacity providers', () => {
    const tsArn = `arn:aws:ecs:${REGION}:${ACCOUNT}:task-set/prod/checkout/ecs-svc/1234567890`;
    const cpArn = `arn:aws:ecs:${REGION}:${ACCOUNT}:capacity-provider/asg-cp`;
    const { out, result } = scanOf({
      configurationItems: [
        historyItem('AWS::ECS::TaskSet', 'ecs-svc/1234567890', tsArn, { Id: 'ecs-svc/1234567890', Cluster: 'prod', Service: 'checkout', TaskDefinition: TD_ARN, LaunchType: 'FARGATE', NetworkConfiguration: { AwsVpcConfiguration: { AssignPublicIp: 'DISABLED', Subnets: ['subnet-0abc'] } } }),
        historyItem('AWS::ECS::CapacityProvider', 'asg-cp', cpArn, { Name: 'asg-cp', AutoScalingGroupProvider: { AutoScalingGroupArn: 'arn:aws:autoscaling:eu-west-1:111122223333:autoScalingGroup:x:autoScalingGroupName/asg', ManagedScaling: { Status: 'ENABLED' }, ManagedTerminationProtection: 'DISABLED' } }),
      ],
    });
    assert.deepEqual(out.errors, []);
    assert.equal((out.resources[0].properties as { clusterArn: string }).clusterArn, 'prod');
    assert.equal(statusOf(result, tsArn, 'ECS.16'), 'PASSED');
    assert.equal(statusOf(result, cpArn, 'ECS.19'), 'FAILED');
  });

  it('does not claim other JSON', () => {
    assert.equal(looksLikeConfigItems({ services: [] }), false);
    assert.equal(looksLikeConfigItems({ Results: ['x'] }), false);
    assert.equal(looksLikeConfigItems([]), false);
  });
});
