/**
 * `ecsguard fix --aws` under hostile conditions, against the loopback ECS server: a task definition
 * that sets every field RegisterTaskDefinition accepts (every volume type, every container field
 * the fixes do not touch), fields the SDK does not know yet, a family whose newest revision is
 * INACTIVE, many services in several clusters and regions, throttled, denied and rejected calls, a
 * service deleted (or moved) between the plan and the apply, a family that changed meanwhile, an
 * unknown or empty --family, a declined confirmation, and what the JSON report may show.
 */
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Cluster, ContainerDefinition, Service, Tag, TaskDefinition } from '@aws-sdk/client-ecs';
import { startEcsLoopback, type AccountFixture, type EcsLoopback, type Fault, type RegionFixture } from '../helpers/ecs-loopback.js';
import { applyRollout, planRollout, type FamilyRollout, type RolloutOptions, type RolloutPlan } from '../../src/fix/rollout.js';
import { DESCRIBE_ONLY_FIELDS, toRegisterInput } from '../../src/fix/register.js';
import { type FixAwsFlags } from '../../src/cli/fix-aws.js';
import { ConfigError } from '../../src/engine/configuration.js';
import { CREDENTIALS, io, runFixAwsWith } from '../helpers/fix-aws.js';

const ACCOUNT = '111122223333';
const R1 = 'eu-west-1';
const R2 = 'us-east-1';
const WRITES = new Set(['RegisterTaskDefinition', 'UpdateService', 'DeregisterTaskDefinition']);
const READS = new Set(['GetCallerIdentity', 'ListTaskDefinitionFamilies', 'ListTaskDefinitions', 'DescribeTaskDefinition', 'ListClusters', 'DescribeClusters', 'ListServices', 'DescribeServices', 'DescribeTaskSets', 'DescribeCapacityProviders']);
const at = new Date('2025-06-01T10:00:00Z');
const TEAM: Tag[] = [{ key: 'team', value: 'hostile' }];

/** Values that must never be printed. */
const ENV_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const ENV_PLAIN = 'postgres://app:hunter2-db-pass@db.internal:5432/app';
const SECRET_ARN = `arn:aws:secretsmanager:${R1}:${ACCOUNT}:secret:kitchen/db-password-AbCdEf`;
const SSM_ARN = `arn:aws:ssm:${R1}:${ACCOUNT}:parameter/kitchen/api-token`;

const tdArn = (family: string, revision: number, region = R1) => `arn:aws:ecs:${region}:${ACCOUNT}:task-definition/${family}:${revision}`;
const clusterArn = (name: string, region = R1) => `arn:aws:ecs:${region}:${ACCOUNT}:cluster/${name}`;
const serviceArn = (cluster: string, name: string, region = R1) => `arn:aws:ecs:${region}:${ACCOUNT}:service/${cluster}/${name}`;

function logs(family: string, region = R1): ContainerDefinition['logConfiguration'] {
  return { logDriver: 'awslogs', options: { 'awslogs-group': `/ecs/${family}`, 'awslogs-region': region, 'awslogs-stream-prefix': family } };
}

/** A container that passes every Security Hub control, with `extra` on top (a key set to undefined is removed). */
function container(name: string, extra: Record<string, unknown> = {}): ContainerDefinition {
  const c: Record<string, unknown> = { name, image: `public.ecr.aws/acme/${name}:1.0`, essential: true, user: '1000', readonlyRootFilesystem: true, privileged: false, logConfiguration: logs(name), ...extra };
  for (const [k, v] of Object.entries(c)) if (v === undefined) delete c[k];
  return c as ContainerDefinition;
}

/** A Fargate Linux revision; `extra` overrides (a key set to undefined is removed). */
function taskDefinition(family: string, revision: number, status: 'ACTIVE' | 'INACTIVE', containers: ContainerDefinition[], extra: Record<string, unknown> = {}, region = R1): TaskDefinition {
  const td: Record<string, unknown> = {
    taskDefinitionArn: tdArn(family, revision, region), family, revision, status,
    networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'], compatibilities: ['EC2', 'FARGATE'], cpu: '256', memory: '512',
    runtimePlatform: { operatingSystemFamily: 'LINUX', cpuArchitecture: 'X86_64' }, registeredAt: at, registeredBy: `arn:aws:iam::${ACCOUNT}:user/ci`,
    containerDefinitions: containers, ...extra,
  };
  for (const [k, v] of Object.entries(td)) if (v === undefined) delete td[k];
  return td as TaskDefinition;
}

/** Fails ECS.20 only: its one container has no user. */
const rootOnly = (family: string, revision: number, status: 'ACTIVE' | 'INACTIVE' = 'ACTIVE', region = R1) => taskDefinition(family, revision, status, [container(family, { user: undefined, logConfiguration: logs(family, region) })], {}, region);

/**
 * Every field RegisterTaskDefinition accepts, every volume type, and container fields the fixes
 * never touch; only ECS.20 fails (container 'app' has no user).
 */
function kitchenSink(): TaskDefinition {
  return taskDefinition('kitchen', 7, 'ACTIVE', [
    container('app', {
      user: undefined,
      image: `${ACCOUNT}.dkr.ecr.${R1}.amazonaws.com/kitchen@sha256:${'b'.repeat(64)}`,
      repositoryCredentials: { credentialsParameter: `arn:aws:secretsmanager:${R1}:${ACCOUNT}:secret:registry-creds-XyZ123` },
      cpu: 512, memory: 1024, memoryReservation: 512,
      links: ['log_router'],
      portMappings: [{ containerPort: 8080, hostPort: 0, protocol: 'tcp', name: 'http', appProtocol: 'http' }, { containerPort: 9000, containerPortRange: undefined, protocol: 'udp' }],
      entryPoint: ['/bin/app'], command: ['serve', '--port', '8080'],
      environment: [{ name: 'DATABASE_URL', value: ENV_PLAIN }, { name: 'LOG_LEVEL', value: 'debug-verbose' }],
      environmentFiles: [{ value: `arn:aws:s3:::kitchen-config/app.env`, type: 's3' }],
      secrets: [{ name: 'DB_PASSWORD', valueFrom: SECRET_ARN }, { name: 'API_TOKEN', valueFrom: SSM_ARN }],
      mountPoints: [{ sourceVolume: 'hostvol', containerPath: '/var/log/app', readOnly: false }, { sourceVolume: 'efsvol', containerPath: '/data', readOnly: true }],
      volumesFrom: [{ sourceContainer: 'log_router', readOnly: true }],
      linuxParameters: {
        capabilities: { add: ['NET_BIND_SERVICE'], drop: ['ALL'] },
        initProcessEnabled: true, sharedMemorySize: 128, maxSwap: 512, swappiness: 10,
        tmpfs: [{ containerPath: '/run', size: 64, mountOptions: ['noexec', 'nosuid'] }],
      },
      dependsOn: [{ containerName: 'log_router', condition: 'START' }],
      startTimeout: 120, stopTimeout: 30, versionConsistency: 'disabled',
      hostname: 'kitchen', workingDirectory: '/srv', disableNetworking: false,
      dnsServers: ['10.0.0.2'], dnsSearchDomains: ['internal'], extraHosts: [{ hostname: 'db', ipAddress: '10.0.0.5' }],
      dockerSecurityOptions: ['no-new-privileges'], interactive: false, pseudoTerminal: false,
      dockerLabels: { 'com.acme.team': 'hostile', 'com.acme.tier': 'web' },
      ulimits: [{ name: 'nofile', softLimit: 65536, hardLimit: 65536 }],
      logConfiguration: { logDriver: 'awsfirelens', options: { Name: 'cloudwatch', region: R1 }, secretOptions: [{ name: 'apikey', valueFrom: SSM_ARN }] },
      healthCheck: { command: ['CMD-SHELL', 'curl -f http://localhost:8080/health || exit 1'], interval: 30, timeout: 5, retries: 3, startPeriod: 60 },
      systemControls: [{ namespace: 'net.core.somaxconn', value: '1024' }],
      resourceRequirements: [{ type: 'GPU', value: '1' }],
      restartPolicy: { enabled: true, ignoredExitCodes: [0], restartAttemptPeriod: 180 },
      credentialSpecs: [`credentialspecdomainless:arn:aws:s3:::kitchen-specs/gmsa.json`],
    }),
    container('log_router', {
      image: 'public.ecr.aws/aws-observability/aws-for-fluent-bit:stable',
      firelensConfiguration: { type: 'fluentbit', options: { 'enable-ecs-log-metadata': 'true', 'config-file-type': 'file', 'config-file-value': '/fluent-bit/configs/parse-json.conf' } },
      memoryReservation: 50,
    }),
  ], {
    taskRoleArn: `arn:aws:iam::${ACCOUNT}:role/kitchen-task`,
    executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/kitchen-execution`,
    networkMode: 'bridge',
    requiresCompatibilities: ['EC2'],
    compatibilities: ['EC2'],
    requiresAttributes: [{ name: 'com.amazonaws.ecs.capability.task-iam-role' }, { name: 'ecs.capability.efsAuth' }],
    cpu: '2048', memory: '4096', pidMode: 'task', ipcMode: 'task',
    runtimePlatform: { operatingSystemFamily: 'LINUX', cpuArchitecture: 'ARM64' },
    placementConstraints: [{ type: 'memberOf', expression: 'attribute:ecs.instance-type =~ m7g.*' }],
    proxyConfiguration: { type: 'APPMESH', containerName: 'app', properties: [{ name: 'IgnoredUID', value: '1337' }, { name: 'AppPorts', value: '8080' }] },
    inferenceAccelerators: [{ deviceName: 'eia0', deviceType: 'eia2.medium' }],
    ephemeralStorage: { sizeInGiB: 50 },
    enableFaultInjection: true,
    volumes: [
      { name: 'hostvol', host: { sourcePath: '/var/log/kitchen' } },
      { name: 'scratch', host: {} },
      { name: 'dockervol', dockerVolumeConfiguration: { scope: 'shared', autoprovision: true, driver: 'rexray/ebs', driverOpts: { volumetype: 'gp3', size: '20' }, labels: { owner: 'kitchen' } } },
      { name: 'efsvol', efsVolumeConfiguration: { fileSystemId: 'fs-0123456789abcdef0', rootDirectory: '/', transitEncryption: 'ENABLED', transitEncryptionPort: 2999, authorizationConfig: { accessPointId: 'fsap-0123456789abcdef0', iam: 'ENABLED' } } },
      { name: 'fsxvol', fsxWindowsFileServerVolumeConfiguration: { fileSystemId: 'fs-0fedcba9876543210', rootDirectory: 'share', authorizationConfig: { credentialsParameter: `arn:aws:secretsmanager:${R1}:${ACCOUNT}:secret:fsx-creds-AbC123`, domain: 'corp.example.com' } } },
      { name: 'ebsvol', configuredAtLaunch: true },
    ],
  });
}

/** The tags CloudFormation puts on what it creates, beside the user's: RegisterTaskDefinition rejects the aws: ones. */
const KITCHEN_TAGS: Tag[] = [
  { key: 'aws:cloudformation:stack-name', value: 'kitchen' },
  { key: 'team', value: 'hostile' },
  { key: 'aws:cloudformation:logical-id', value: 'TaskDefinition' },
  { key: 'AWS:Weird', value: 'case' },
  { key: 'cost-center', value: '4711' },
  { key: 'awsome', value: 'not reserved' },
];
const KITCHEN_USER_TAGS: Tag[] = [{ key: 'team', value: 'hostile' }, { key: 'cost-center', value: '4711' }, { key: 'awsome', value: 'not reserved' }];

/** What RegisterTaskDefinition must receive for kitchen:7: the revision less describe-only fields, app's user set, user tags only. */
function expectedKitchenInput(): Record<string, unknown> {
  const td = JSON.parse(JSON.stringify(kitchenSink())) as Record<string, unknown>;
  for (const k of DESCRIBE_ONLY_FIELDS) delete td[k];
  (td.containerDefinitions as Record<string, unknown>[])[0].user = '1000:1000';
  td.tags = KITCHEN_USER_TAGS;
  return td;
}

/** A revision with fields this SDK version does not know, at every level (as a newer ECS API would return them). */
function futureTaskDefinition(): TaskDefinition {
  const td = rootOnly('future', 3) as unknown as Record<string, unknown>;
  td.futureIsolation = { mode: 'strict', level: 3 };
  td.volumes = [{ name: 'shared', efsVolumeConfiguration: { fileSystemId: 'fs-0123456789abcdef0', transitEncryption: 'ENABLED', futureEfsThroughput: 'elastic' } }];
  const c = (td.containerDefinitions as Record<string, unknown>[])[0];
  c.futureSandbox = 'gvisor';
  c.portMappings = [{ containerPort: 443, protocol: 'tcp', futurePortOption: true }];
  c.logConfiguration = { ...(c.logConfiguration as object), futureLogBuffer: { sizeMiB: 4 } };
  return td as unknown as TaskDefinition;
}

function service(cluster: string, name: string, taskDefinition: string, region = R1, extra: Partial<Service> = {}): Service {
  return {
    serviceArn: serviceArn(cluster, name, region), serviceName: name, clusterArn: clusterArn(cluster, region), status: 'ACTIVE',
    desiredCount: 1, runningCount: 1, launchType: 'FARGATE', platformVersion: 'LATEST', taskDefinition, createdAt: at, tags: TEAM,
    networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-0a1b2c3d4e5f60718'], securityGroups: ['sg-0123456789abcdef0'], assignPublicIp: 'DISABLED' } },
    ...extra,
  };
}

const cluster = (name: string, region = R1): Cluster => ({ clusterArn: clusterArn(name, region), clusterName: name, status: 'ACTIVE', settings: [{ name: 'containerInsights', value: 'enabled' }], tags: TEAM });

/** The hostile account. */
function hostileFixture(): AccountFixture {
  const r1: RegionFixture = {
    taskDefinitions: [
      { taskDefinition: { ...kitchenSink(), revision: 6, taskDefinitionArn: tdArn('kitchen', 6) }, tags: KITCHEN_TAGS },
      { taskDefinition: kitchenSink(), tags: KITCHEN_TAGS },
      { taskDefinition: futureTaskDefinition(), tags: TEAM },
      // phoenix: revision 3, the newest, is INACTIVE; 2 is the latest ACTIVE.
      { taskDefinition: rootOnly('phoenix', 1), tags: TEAM },
      { taskDefinition: rootOnly('phoenix', 2), tags: TEAM },
      { taskDefinition: rootOnly('phoenix', 3, 'INACTIVE'), tags: TEAM },
      { taskDefinition: rootOnly('fleet', 2), tags: TEAM },
      { taskDefinition: rootOnly('pair', 1), tags: TEAM },
      { taskDefinition: rootOnly('bad', 1), tags: TEAM },
      { taskDefinition: rootOnly('gone', 1, 'INACTIVE'), tags: TEAM },
      {
        // Windows, no user: ECS.21 (and not ECS.20, nor ECS.5).
        taskDefinition: taskDefinition('winapp', 4, 'ACTIVE', [container('iis', { user: undefined, readonlyRootFilesystem: undefined })], {
          runtimePlatform: { operatingSystemFamily: 'WINDOWS_SERVER_2022_CORE', cpuArchitecture: 'X86_64' }, cpu: '1024', memory: '2048',
          volumes: [{ name: 'fsx', fsxWindowsFileServerVolumeConfiguration: { fileSystemId: 'fs-0fedcba9876543210', rootDirectory: 'share', authorizationConfig: { credentialsParameter: `arn:aws:secretsmanager:${R1}:${ACCOUNT}:secret:fsx-AbC123`, domain: 'corp.example.com' } } }],
        }),
        tags: TEAM,
      },
      // No runtimePlatform, no user: ECS.20 and ECS.21 both fail; one edit fixes both.
      { taskDefinition: taskDefinition('noos', 1, 'ACTIVE', [container('svc', { user: undefined })], { runtimePlatform: undefined }), tags: TEAM },
      // ECS.8 (an AWS secret key in environment) and ECS.20.
      { taskDefinition: taskDefinition('keys', 2, 'ACTIVE', [container('sync', { user: undefined, environment: [{ name: 'AWS_SECRET_ACCESS_KEY', value: ENV_SECRET }, { name: 'REGION', value: R1 }] })]), tags: TEAM },
    ],
    clusters: [cluster('prod'), cluster('dev'), cluster('edge')],
    services: [
      service('prod', 'kitchen-api', tdArn('kitchen', 7), R1, { launchType: 'EC2', platformVersion: undefined, networkConfiguration: undefined }),
      service('dev', 'phoenix-old', tdArn('phoenix', 1)),
      service('dev', 'phoenix-now', tdArn('phoenix', 2)),
      service('dev', 'phoenix-ghost', tdArn('phoenix', 3)),
      ...Array.from({ length: 12 }, (_, i) => service('dev', `fleet-${String(i + 1).padStart(2, '0')}`, tdArn('fleet', 2))),
      ...Array.from({ length: 11 }, (_, i) => service('prod', `fleet-${String(i + 13).padStart(2, '0')}`, tdArn('fleet', 2))),
      service('edge', 'fleet-24', tdArn('fleet', 2)),
      service('prod', 'pair-a', tdArn('pair', 1)),
      service('prod', 'pair-b', tdArn('pair', 1)),
      service('edge', 'bad-svc', tdArn('bad', 1)),
      service('edge', 'win-svc', tdArn('winapp', 4)),
    ],
    taskSets: [],
    capacityProviders: [],
  };
  const r2: RegionFixture = {
    taskDefinitions: [{ taskDefinition: rootOnly('fleet', 5, 'ACTIVE', R2), tags: TEAM }],
    clusters: [cluster('east-a', R2), cluster('east-b', R2)],
    services: [service('east-a', 'fleet-east-1', tdArn('fleet', 5, R2), R2), service('east-b', 'fleet-east-2', tdArn('fleet', 5, R2), R2)],
    taskSets: [],
    capacityProviders: [],
  };
  return { [R1]: r1, [R2]: r2 };
}

let lb: EcsLoopback;
let fixture: AccountFixture;
const opened: EcsLoopback[] = [];
afterEach(async () => {
  while (opened.length) await opened.pop()!.close();
});

async function start(faults: Fault[] = []): Promise<EcsLoopback> {
  fixture = hostileFixture();
  lb = await startEcsLoopback({ account: ACCOUNT, fixture, faults });
  opened.push(lb);
  return lb;
}

function options(extra: Partial<RolloutOptions> = {}): RolloutOptions {
  return { regions: [R1, R2], endpoint: lb.endpoint, credentials: CREDENTIALS, controls: ['security-hub'], retryMode: 'standard', maxAttempts: 2, ...extra };
}

const familyOf = (plan: RolloutPlan, name: string, region = R1): FamilyRollout => {
  const f = plan.families.find((x) => x.family === name && x.region === region);
  assert.ok(f, `family ${name} in ${region} (families: ${plan.families.map((x) => `${x.region}/${x.family}`).join(', ')})`);
  return f;
};
const writes = () => lb.requests.filter((q) => WRITES.has(q.action));
const registered = (family: string, region = R1) => lb.requests.filter((q) => q.action === 'RegisterTaskDefinition' && q.region === region && q.input.family === family && q.fault === null);
const updatesOf = (pred: (service: string) => boolean) => lb.requests.filter((q) => q.action === 'UpdateService' && pred(String(q.input.service)));
const stored = (family: string, revision: number, region = R1) => fixture[region].taskDefinitions.find((t) => t.taskDefinition.family === family && t.taskDefinition.revision === revision);
const storedService = (name: string, region = R1) => fixture[region].services.find((s) => s.serviceName === name)!;

describe('fix --aws: the new revision keeps every field', () => {
  it('every register field, every volume type, untouched container fields, user tags only', async () => {
    await start();
    const plan = await planRollout(options({ families: ['kitchen'] }));
    const kitchen = familyOf(plan, 'kitchen');
    assert.equal(kitchen.error, null);
    assert.deepEqual(kitchen.fixed, ['ECS.20']);
    assert.deepEqual(kitchen.registerInput, expectedKitchenInput());
    const done = await applyRollout(plan);
    assert.equal(familyOf(done, 'kitchen').to, tdArn('kitchen', 8));
    const sent = registered('kitchen');
    assert.equal(sent.length, 1);
    // What went over the wire, not only what was handed to the SDK.
    assert.deepEqual(sent[0].input, expectedKitchenInput());
    const tags = (sent[0].input.tags as Tag[]).map((t) => t.key);
    assert.ok(!tags.some((k) => k!.toLowerCase().startsWith('aws:')), `reserved tags sent: ${tags.join(', ')}`);
    assert.deepEqual(stored('kitchen', 8)?.tags, KITCHEN_USER_TAGS);
  });

  it('fields the SDK does not know yet are carried over, and the plan says so', async () => {
    await start();
    const plan = await planRollout(options({ families: ['future'] }));
    const future = familyOf(plan, 'future');
    assert.equal(future.error, null);
    assert.deepEqual(future.fixed, ['ECS.20']);
    const input = future.registerInput as unknown as Record<string, unknown>;
    assert.deepEqual(input.futureIsolation, { mode: 'strict', level: 3 });
    const todo = future.todo.join('\n');
    for (const field of ['futureIsolation', 'containerDefinitions[0].futureSandbox', 'containerDefinitions[0].portMappings[0].futurePortOption', 'volumes[0].efsVolumeConfiguration.futureEfsThroughput', 'containerDefinitions[0].logConfiguration.futureLogBuffer']) {
      assert.ok(todo.includes(field), `the plan names ${field}:\n${todo}`);
    }
    await applyRollout(plan);
    const sent = registered('future')[0]?.input as Record<string, unknown>;
    assert.ok(sent, 'registered');
    const expected = JSON.parse(JSON.stringify(futureTaskDefinition())) as Record<string, unknown>;
    for (const k of DESCRIBE_ONLY_FIELDS) delete expected[k];
    (expected.containerDefinitions as Record<string, unknown>[])[0].user = '1000:1000';
    expected.tags = TEAM;
    assert.deepEqual(sent, expected);
  });

  it('toRegisterInput drops every describe-only field, deleteRequestedAt included', () => {
    const td = { ...rootOnly('x', 1), status: 'DELETE_IN_PROGRESS', deregisteredAt: at, deleteRequestedAt: at } as TaskDefinition;
    const input = toRegisterInput(td) as unknown as Record<string, unknown>;
    for (const k of ['taskDefinitionArn', 'revision', 'status', 'requiresAttributes', 'compatibilities', 'registeredAt', 'registeredBy', 'deregisteredAt', 'deleteRequestedAt']) {
      assert.ok(!(k in input), `${k} is not a RegisterTaskDefinition field`);
    }
  });
});

describe('fix --aws: which revision, which services', () => {
  it('a family whose newest revision is INACTIVE: starts from the latest ACTIVE one, above every revision', async () => {
    await start();
    const plan = await planRollout(options({ families: ['phoenix'], deregisterPrevious: true }));
    const phoenix = familyOf(plan, 'phoenix');
    assert.equal(phoenix.from, tdArn('phoenix', 2));
    const by = Object.fromEntries(phoenix.services.map((s) => [s.serviceName, s]));
    assert.equal(by['phoenix-now'].update, true);
    assert.equal(by['phoenix-old'].update, true);
    assert.match(by['phoenix-old'].note ?? '', /revision 1/);
    assert.equal(by['phoenix-ghost'].update, false, 'not moved back from revision 3 to revision 2 + fixes');
    assert.equal(phoenix.deregister.kept, null, 'the ghost service runs revision 3, not 2');
    const done = await applyRollout(plan);
    assert.equal(familyOf(done, 'phoenix').to, tdArn('phoenix', 4));
    assert.equal(storedService('phoenix-ghost').taskDefinition, tdArn('phoenix', 3));
    assert.equal(storedService('phoenix-now').taskDefinition, tdArn('phoenix', 4));
    assert.equal(stored('phoenix', 2)?.taskDefinition.status, 'INACTIVE');
    assert.equal(stored('phoenix', 1)?.taskDefinition.status, 'ACTIVE');
  });

  it('services in several clusters and regions, more than 10 a cluster: each updated in its own region', async () => {
    await start();
    const plan = await planRollout(options({ families: ['fleet'] }));
    assert.deepEqual(plan.errors, []);
    assert.equal(familyOf(plan, 'fleet').services.length, 24);
    assert.equal(familyOf(plan, 'fleet', R2).services.length, 2);
    for (const q of lb.requests.filter((x) => x.action === 'DescribeServices')) assert.ok((q.input.services as string[]).length <= 10);
    const done = await applyRollout(plan);
    assert.equal(familyOf(done, 'fleet').to, tdArn('fleet', 3));
    assert.equal(familyOf(done, 'fleet', R2).to, tdArn('fleet', 6, R2));
    const updates = updatesOf((s) => s.includes('/fleet-'));
    assert.equal(updates.length, 26);
    for (const q of updates) {
      assert.ok(String(q.input.service).startsWith(`arn:aws:ecs:${q.region}:`), `${q.input.service} updated through ${q.region}`);
      assert.equal(q.input.taskDefinition, q.region === R1 ? tdArn('fleet', 3) : tdArn('fleet', 6, R2));
      assert.equal(q.input.cluster, String(q.input.service).replace(/:service\/([^/]+)\/.*$/, ':cluster/$1'));
    }
    assert.equal(storedService('fleet-east-2', R2).taskDefinition, tdArn('fleet', 6, R2));
    for (const f of done.families) for (const c of f.calls) assert.equal(c.status, 'ok', c.text);
  });

  it('a Windows family gets ContainerUser (or --windows-user), never the Linux user', async () => {
    await start();
    const plan = await planRollout(options({ families: ['winapp'] }));
    const win = familyOf(plan, 'winapp');
    assert.deepEqual(win.fixed, ['ECS.21']);
    const input = win.registerInput!;
    assert.equal(input.containerDefinitions![0].user, 'ContainerUser');
    assert.equal(input.containerDefinitions![0].readonlyRootFilesystem, undefined, 'ECS.5 does not apply to Windows');
    assert.deepEqual(input.volumes, [{ name: 'fsx', fsxWindowsFileServerVolumeConfiguration: { fileSystemId: 'fs-0fedcba9876543210', rootDirectory: 'share', authorizationConfig: { credentialsParameter: `arn:aws:secretsmanager:${R1}:${ACCOUNT}:secret:fsx-AbC123`, domain: 'corp.example.com' } } }]);
    const custom = await planRollout(options({ families: ['winapp'], windowsUser: 'AppPoolUser' }));
    assert.equal(familyOf(custom, 'winapp').registerInput!.containerDefinitions![0].user, 'AppPoolUser');
  });

  it('no runtimePlatform: ECS.20 and ECS.21 both fixed by one linuxUser edit', async () => {
    await start();
    const plan = await planRollout(options({ families: ['noos'], linuxUser: '4242:4242' }));
    const noos = familyOf(plan, 'noos');
    assert.deepEqual(noos.fixed, ['ECS.20', 'ECS.21']);
    assert.equal(noos.registerInput!.containerDefinitions![0].user, '4242:4242');
    assert.equal(noos.registerInput!.runtimePlatform, undefined, 'no operating system is made up');
    assert.equal(noos.changes.length, 2);
    assert.match(noos.changes[1], /^ECS\.21: .*the same edit as ECS\.20$/);
  });

  it('ECS.8 is never rolled out, even when another fix registers a revision', async () => {
    await start();
    const plan = await planRollout(options({ families: ['keys'] }));
    const keys = familyOf(plan, 'keys');
    assert.deepEqual(keys.fixed, ['ECS.20']);
    assert.deepEqual(keys.refused.map((r) => r.control), ['ECS.8']);
    const c = keys.registerInput!.containerDefinitions![0];
    assert.equal(c.secrets, undefined, 'no placeholder secret ARNs');
    assert.deepEqual(c.environment?.map((e) => e.name), ['AWS_SECRET_ACCESS_KEY', 'REGION']);
    assert.ok(!JSON.stringify(keys.registerInput).includes('REPLACE_ME'));
    assert.ok(!keys.changes.some((x) => x.startsWith('ECS.8')));
  });
});

describe('fix --aws: failing calls', () => {
  it('UpdateService throttled once, then it succeeds: ok, exit 0', async () => {
    await start([{ kind: 'throttle', action: 'UpdateService', match: (i) => i.service === serviceArn('prod', 'pair-a'), times: 1 }]);
    const done = await applyRollout(await planRollout(options({ families: ['pair'], deregisterPrevious: true })));
    const pair = familyOf(done, 'pair');
    assert.deepEqual(pair.calls.map((c) => `${c.action} ${c.status}`), ['RegisterTaskDefinition ok', 'UpdateService ok', 'UpdateService ok', 'DeregisterTaskDefinition ok']);
    assert.equal(updatesOf((s) => s.endsWith('/pair-a')).length, 2, 'retried');
    assert.equal(storedService('pair-a').taskDefinition, tdArn('pair', 2));
  });

  it('a service deleted between the plan and the apply is reported; the other service moves; the old revision is kept', async () => {
    await start();
    const plan = await planRollout(options({ families: ['pair'], deregisterPrevious: true }));
    fixture[R1].services = fixture[R1].services.filter((s) => s.serviceName !== 'pair-b');
    const done = await applyRollout(plan);
    const pair = familyOf(done, 'pair');
    const b = pair.calls.find((c) => c.action === 'UpdateService' && c.service === serviceArn('prod', 'pair-b'))!;
    assert.notEqual(b.status, 'ok');
    assert.match(b.error ?? '', /not found|no longer exists|deleted/i);
    assert.equal(pair.services.find((s) => s.serviceName === 'pair-a')!.outcome, 'updated');
    assert.notEqual(pair.services.find((s) => s.serviceName === 'pair-b')!.outcome, 'updated');
    assert.ok(pair.deregister.kept, 'kept');
    assert.equal(stored('pair', 1)?.taskDefinition.status, 'ACTIVE');
    assert.ok(done.errors.length > 0 || pair.calls.some((c) => c.status === 'failed'), 'the run fails (exit 1)');
  });

  it('RegisterTaskDefinition rejected (ClientException): no UpdateService, no DeregisterTaskDefinition for that family', async () => {
    await start([{ kind: 'client-error', action: 'RegisterTaskDefinition', match: (i) => i.family === 'bad', message: 'Invalid setting for container bad: invalid parameter' }]);
    const done = await applyRollout(await planRollout(options({ families: ['bad', 'pair'], deregisterPrevious: true })));
    const bad = familyOf(done, 'bad');
    assert.equal(bad.to, null);
    assert.deepEqual(bad.calls.map((c) => `${c.action} ${c.status}`), ['RegisterTaskDefinition failed', 'UpdateService not made', 'DeregisterTaskDefinition not made']);
    assert.match(bad.calls[0].error ?? '', /^ClientException: Invalid setting/);
    assert.equal(updatesOf((s) => s.endsWith('/bad-svc')).length, 0);
    assert.ok(!writes().some((q) => q.action === 'DeregisterTaskDefinition' && String(q.input.taskDefinition).includes('/bad:')));
    assert.equal(familyOf(done, 'pair').to, tdArn('pair', 2), 'the other family goes on');
  });

  it('AccessDenied on UpdateService only: registered, every update failed with the action named, nothing deregistered, exit 1', async () => {
    await start([{ kind: 'deny', action: 'UpdateService' }]);
    const r = await fixAws({ apply: true, yes: true, deregisterPrevious: true, family: 'pair', format: 'json' });
    assert.equal(r.code, 1);
    const doc = JSON.parse(r.out);
    const pair = doc.families[0];
    assert.equal(pair.to, tdArn('pair', 2));
    assert.deepEqual(pair.calls.map((c: { status: string }) => c.status), ['ok', 'failed', 'failed', 'not made']);
    for (const c of pair.calls.slice(1, 3)) assert.match(c.error, /AccessDeniedException.*ecs:UpdateService/);
    assert.equal(doc.summary.callsFailed, 2);
    assert.equal(stored('pair', 1)?.taskDefinition.status, 'ACTIVE');
  });

  it('AccessDenied naming iam:PassRole (or ecs:TagResource) on RegisterTaskDefinition: the hint names that permission', async () => {
    await start([
      { kind: 'deny', action: 'RegisterTaskDefinition', match: (i) => i.family === 'kitchen', message: `User: arn:aws:iam::${ACCOUNT}:user/ci is not authorized to perform: iam:PassRole on resource: arn:aws:iam::${ACCOUNT}:role/kitchen-task` },
      { kind: 'deny', action: 'RegisterTaskDefinition', match: (i) => i.family === 'pair', message: `User: arn:aws:iam::${ACCOUNT}:user/ci is not authorized to perform: ecs:TagResource on resource: ${tdArn('pair', 2)} because no identity-based policy allows the ecs:TagResource action` },
    ]);
    const done = await applyRollout(await planRollout(options({ families: ['kitchen', 'pair'] })));
    const kitchen = familyOf(done, 'kitchen').calls[0].error ?? '';
    assert.match(kitchen, /iam:PassRole/);
    assert.doesNotMatch(kitchen, /lack ecs:RegisterTaskDefinition/);
    const pair = familyOf(done, 'pair').calls[0].error ?? '';
    assert.match(pair, /lack ecs:TagResource/);
    assert.doesNotMatch(pair, /lack ecs:RegisterTaskDefinition/);
  });

  it('RegisterTaskDefinition lost to 5xx after every retry: the error says ECS may have registered it anyway', async () => {
    await start([{ kind: 'server-error', action: 'RegisterTaskDefinition', match: (i) => i.family === 'pair' }]);
    const done = await applyRollout(await planRollout(options({ families: ['pair'] })));
    assert.match(familyOf(done, 'pair').calls[0].error ?? '', /^ServerException: .*may have registered the revision anyway/);
  });

  it('a --linux-user the controls would fail is a usage error before any call', async () => {
    await start();
    await assert.rejects(planRollout(options({ linuxUser: 'root' })), ConfigError);
    await assert.rejects(planRollout(options({ windowsUser: 'ContainerAdministrator' })), ConfigError);
    assert.deepEqual(lb.requests, []);
  });

  it('--deregister-previous with one of two services failed: the other is updated, the revision kept, and the todo says how to finish', async () => {
    await start([{ kind: 'server-error', action: 'UpdateService', match: (i) => i.service === serviceArn('prod', 'pair-b') }]);
    const done = await applyRollout(await planRollout(options({ families: ['pair'], deregisterPrevious: true })));
    const pair = familyOf(done, 'pair');
    assert.deepEqual(pair.services.map((s) => `${s.serviceName} ${s.outcome}`), ['pair-a updated', 'pair-b failed']);
    assert.match(pair.deregister.kept ?? '', /update of prod\/pair-b failed/);
    assert.equal(pair.calls.at(-1)?.status, 'not made');
    assert.equal(stored('pair', 1)?.taskDefinition.status, 'ACTIVE');
    // A new plan sees a clean family and would not move pair-b: the report says how.
    const todo = pair.todo.join('\n');
    assert.match(todo, /pair-b/);
    assert.ok(todo.includes(tdArn('pair', 2)), todo);
  });

  it('the family got a new revision between the plan and the apply: nothing is registered or moved for it', async () => {
    await start();
    const plan = await planRollout(options({ families: ['pair', 'bad'], deregisterPrevious: true }));
    // CI registers pair:2 and deploys it to pair-a meanwhile.
    fixture[R1].taskDefinitions.push({ taskDefinition: { ...taskDefinition('pair', 2, 'ACTIVE', [container('pair')]) }, tags: TEAM });
    storedService('pair-a').taskDefinition = tdArn('pair', 2);
    const done = await applyRollout(plan);
    const pair = familyOf(done, 'pair');
    assert.equal(registered('pair').length, 0, 'not registered from a stale revision');
    assert.equal(updatesOf((s) => s.includes('/pair-')).length, 0, 'pair-a is not moved back');
    assert.equal(storedService('pair-a').taskDefinition, tdArn('pair', 2));
    assert.equal(pair.to, null);
    assert.match(pair.error ?? '', /changed since the plan/);
    assert.equal(stored('pair', 1)?.taskDefinition.status, 'ACTIVE');
    assert.equal(familyOf(done, 'bad').to, tdArn('bad', 2), 'the other family goes on');
  });

  it('a service moved to another revision between the plan and the apply is not moved back', async () => {
    await start();
    const plan = await planRollout(options({ families: ['phoenix'], deregisterPrevious: true }));
    storedService('phoenix-now').taskDefinition = tdArn('phoenix', 1); // a rollback by hand meanwhile
    storedService('phoenix-old').taskDefinition = tdArn('phoenix', 2);
    const done = await applyRollout(plan);
    const phoenix = familyOf(done, 'phoenix');
    const now = phoenix.calls.find((c) => c.service === serviceArn('dev', 'phoenix-now'))!;
    assert.equal(now.status, 'not made');
    assert.match(now.error ?? '', /now runs .*phoenix:1/);
    assert.equal(storedService('phoenix-now').taskDefinition, tdArn('phoenix', 1));
    assert.ok(phoenix.deregister.kept, 'kept: not every service was moved as planned');
    assert.equal(stored('phoenix', 2)?.taskDefinition.status, 'ACTIVE');
    assert.ok(done.errors.some((e) => /phoenix-now/.test(e.message)), 'reported: exit 1');
  });
});


/** runFixAws against the loopback in [R1, R2]. */
function fixAws(flags: Partial<FixAwsFlags>, capture = io()) {
  return runFixAwsWith(lb.endpoint, [R1, R2], flags, capture);
}

const NEVER_PRINTED = [ENV_SECRET, ENV_PLAIN, 'hunter2', 'debug-verbose', SECRET_ARN, SSM_ARN];

describe('fix --aws: the CLI', () => {
  it('--family naming a family that does not exist (or only INACTIVE) is reported, exit 1', async () => {
    await start();
    const r = await fixAws({ family: ['nope', 'gone'] });
    assert.equal(r.code, 1);
    assert.match(r.out, /'nope' has no ACTIVE revision/);
    assert.match(r.out, /'gone' has no ACTIVE revision/);
    const json = await fixAws({ family: 'nope', apply: true, yes: true, format: 'json' });
    assert.equal(json.code, 1);
    assert.ok(JSON.parse(json.out).errors.some((e: { where: string; message: string }) => e.where === '--family' && /'nope'/.test(e.message)));
    assert.deepEqual(writes(), []);
  });

  it('an empty --family is a usage error, not a silent "nothing to roll out"', async () => {
    await start();
    await assert.rejects(fixAws({ family: '' }), ConfigError);
    await assert.rejects(fixAws({ family: [' ', ','] }), ConfigError);
    await assert.rejects(planRollout(options({ families: [] })), ConfigError);
    assert.deepEqual(writes(), []);
  });

  it('an empty --region is a usage error, not a fall back to AWS_REGION', async () => {
    await start();
    const saved = process.env.AWS_REGION;
    process.env.AWS_REGION = R2;
    try {
      await assert.rejects(fixAws({ region: '' }), (e: unknown) => e instanceof ConfigError && /--region names no region/.test((e as Error).message));
      await assert.rejects(fixAws({ region: [' '], apply: true, yes: true }), ConfigError);
    } finally {
      if (saved === undefined) delete process.env.AWS_REGION;
      else process.env.AWS_REGION = saved;
    }
    assert.deepEqual(lb.requests, []);
  });

  it('text --apply: a failed update ends with the command that finishes it', async () => {
    await start([{ kind: 'deny', action: 'UpdateService', match: (i) => i.service === serviceArn('prod', 'pair-b') }]);
    const r = await fixAws({ apply: true, yes: true, family: 'pair' });
    assert.equal(r.code, 1);
    assert.match(r.out, new RegExp(`To finish:\n {2}eu-west-1 pair: Service prod/pair-b still runs .*aws ecs update-service --region eu-west-1 --cluster ${clusterArn('prod')} --service ${serviceArn('prod', 'pair-b')} --task-definition ${tdArn('pair', 2)} --force-new-deployment`));
  });

  it('--apply answered no on a terminal: no write call, exit 1, even with --format json', async () => {
    await start();
    const r = await fixAws({ apply: true, family: ['pair', 'fleet'] }, io(true, false));
    assert.equal(r.code, 1);
    assert.deepEqual(r.questions, [`Register 3 revisions and update 28 services in account ${ACCOUNT}? [y/N] `]);
    assert.match(r.err, /nothing was changed/);
    const j = await fixAws({ apply: true, format: 'json', family: 'pair' }, io(true, false));
    assert.equal(j.code, 1);
    assert.deepEqual(writes(), []);
  });

  it('dry run: no write call, in text and JSON', async () => {
    await start();
    const t = await fixAws({});
    const j = await fixAws({ format: 'json', deregisterPrevious: true });
    assert.equal(t.code, 0, t.err);
    assert.equal(j.code, 0, j.err);
    assert.deepEqual(writes(), []);
    for (const q of lb.requests) assert.ok(READS.has(q.action), `dry run made ${q.action}`);
    const doc = JSON.parse(j.out);
    assert.ok(doc.families.length >= 9);
    for (const f of doc.families) for (const c of f.calls) assert.ok(c.status === 'planned' || c.status === 'not made', `${c.text}: ${c.status}`);
  });

  it('--format json: the documented shape, and never an environment value or a secret ARN', async () => {
    await start([{ kind: 'client-error', action: 'RegisterTaskDefinition', match: (i) => i.family === 'kitchen', message: `Invalid environment value '${ENV_PLAIN}' for container app` }]);
    for (const flags of [{ format: 'json', controls: 'all' }, { format: 'json', apply: true, yes: true, deregisterPrevious: true }, { apply: true, yes: true }] as Partial<FixAwsFlags>[]) {
      const r = await fixAws(flags);
      for (const v of NEVER_PRINTED) {
        assert.ok(!r.out.includes(v), `standard output shows ${v} (${JSON.stringify(flags)})`);
        assert.ok(!r.err.includes(v), `standard error shows ${v} (${JSON.stringify(flags)})`);
      }
      if (flags.format !== 'json') continue;
      const doc = JSON.parse(r.out);
      assert.deepEqual(Object.keys(doc).sort(), ['account', 'clean', 'deregisterPrevious', 'elsewhere', 'errors', 'families', 'mode', 'regions', 'summary']);
      assert.equal(doc.mode, flags.apply ? 'apply' : 'dry-run');
      for (const f of doc.families) {
        assert.deepEqual(Object.keys(f).sort(), ['calls', 'changes', 'deregister', 'error', 'family', 'fixed', 'from', 'refused', 'region', 'services', 'to', 'todo']);
        for (const c of f.calls) for (const k of ['action', 'text', 'status', 'result', 'error']) assert.ok(k in c, `call has ${k}`);
      }
      if (flags.apply) {
        const kitchen = doc.families.find((f: { family: string }) => f.family === 'kitchen');
        assert.equal(kitchen.calls[0].status, 'failed');
        assert.match(kitchen.calls[0].error, /ClientException: Invalid environment value/);
      }
    }
  });
});
