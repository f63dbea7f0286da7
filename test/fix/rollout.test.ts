/**
 * `ecsguard fix --aws`: planRollout / applyRollout (src/fix/rollout.ts) and runFixAws
 * (src/cli/fix-aws.ts) against the loopback ECS server, which now also plays RegisterTaskDefinition,
 * UpdateService and DeregisterTaskDefinition; and the UpdateService failure path with
 * aws-sdk-client-mock.
 */
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { mockClient } from 'aws-sdk-client-mock';
import {
  DeregisterTaskDefinitionCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  ServiceNotFoundException,
  UpdateServiceCommand,
  type Service,
  type Tag,
  type TaskDefinition,
} from '@aws-sdk/client-ecs';
import { fixtureAccount, fixtureArns, startEcsLoopback, type AccountFixture, type EcsLoopback, type Fault } from '../helpers/ecs-loopback.js';
import { applyRollout, planRollout, taskDefinitionRef, type FamilyRollout, type RolloutOptions, type RolloutPlan } from '../../src/fix/rollout.js';
import { DESCRIBE_ONLY_FIELDS } from '../../src/fix/register.js';
import { type FixAwsFlags } from '../../src/cli/fix-aws.js';
import { ConfigError } from '../../src/engine/configuration.js';
import { evaluateTaskDefinition } from '../../src/api.js';
import { CREDENTIALS, READ_ONLY, io, runFixAwsWith } from '../helpers/fix-aws.js';

const ACCOUNT = '111122223333';
const R1 = 'eu-west-1';
const R2 = 'us-east-1';
const A = fixtureArns(ACCOUNT);
const WRITES = new Set(['RegisterTaskDefinition', 'UpdateService', 'DeregisterTaskDefinition']);
const at = new Date('2025-06-01T10:00:00Z');

const tdArn = (family: string, revision: number, region = R1) => `arn:aws:ecs:${region}:${ACCOUNT}:task-definition/${family}:${revision}`;
const clusterArn = (name: string) => `arn:aws:ecs:${R1}:${ACCOUNT}:cluster/${name}`;
const serviceArn = (cluster: string, name: string) => `arn:aws:ecs:${R1}:${ACCOUNT}:service/${cluster}/${name}`;
const FULL_TAGS: Tag[] = [{ key: 'team', value: 'core' }, { key: 'cost-center', value: '4711' }];

/** A revision that sets every field RegisterTaskDefinition accepts, and fails ECS.4, ECS.5, ECS.9, ECS.18 and ECS.20 on its first container. */
function fullTaskDefinition(revision: number): TaskDefinition {
  return {
    taskDefinitionArn: tdArn('full', revision),
    family: 'full',
    revision,
    status: 'ACTIVE',
    taskRoleArn: `arn:aws:iam::${ACCOUNT}:role/full-task`,
    executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/full-execution`,
    networkMode: 'awsvpc',
    requiresCompatibilities: ['EC2'],
    compatibilities: ['EC2'],
    requiresAttributes: [{ name: 'com.amazonaws.ecs.capability.task-iam-role' }, { name: 'ecs.capability.efsAuth' }],
    cpu: '1024',
    memory: '2048',
    pidMode: 'task',
    ipcMode: 'none',
    runtimePlatform: { operatingSystemFamily: 'LINUX', cpuArchitecture: 'ARM64' },
    placementConstraints: [{ type: 'memberOf', expression: 'attribute:ecs.availability-zone in [eu-west-1a, eu-west-1b]' }],
    proxyConfiguration: { type: 'APPMESH', containerName: 'envoy', properties: [{ name: 'IgnoredUID', value: '1337' }, { name: 'ProxyIngressPort', value: '15000' }, { name: 'ProxyEgressPort', value: '15001' }, { name: 'AppPorts', value: '8080' }] },
    ephemeralStorage: { sizeInGiB: 40 },
    inferenceAccelerators: [{ deviceName: 'eia0', deviceType: 'eia2.medium' }],
    volumes: [
      { name: 'data', efsVolumeConfiguration: { fileSystemId: 'fs-0123456789abcdef0', rootDirectory: '/', transitEncryption: 'DISABLED' } },
      { name: 'cache', dockerVolumeConfiguration: { scope: 'task', driver: 'local' } },
    ],
    registeredAt: at,
    registeredBy: `arn:aws:iam::${ACCOUNT}:user/ci`,
    containerDefinitions: [
      {
        name: 'app',
        image: `${ACCOUNT}.dkr.ecr.${R1}.amazonaws.com/full@sha256:${'a'.repeat(64)}`,
        essential: true,
        privileged: true,
        cpu: 512,
        memory: 1024,
        portMappings: [{ containerPort: 8080, hostPort: 8080, protocol: 'tcp' }],
        environment: [{ name: 'MODE', value: 'prod' }],
        secrets: [{ name: 'DB_PASSWORD', valueFrom: `arn:aws:secretsmanager:${R1}:${ACCOUNT}:secret:full/db-AbCdEf` }],
        mountPoints: [{ sourceVolume: 'data', containerPath: '/data', readOnly: false }],
        dependsOn: [{ containerName: 'envoy', condition: 'HEALTHY' }],
        ulimits: [{ name: 'nofile', softLimit: 65536, hardLimit: 65536 }],
      },
      {
        name: 'envoy',
        image: `840364872350.dkr.ecr.${R1}.amazonaws.com/aws-appmesh-envoy:v1.29.6.0-prod`,
        essential: true,
        user: '1337',
        readonlyRootFilesystem: true,
        memoryReservation: 256,
        healthCheck: { command: ['CMD-SHELL', 'curl -s http://localhost:9901/server_info | grep state | grep -q LIVE'], interval: 5, timeout: 2, retries: 3, startPeriod: 10 },
        logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/full', 'awslogs-region': R1, 'awslogs-stream-prefix': 'envoy' } },
      },
    ],
  };
}

/** A revision whose only failing Security Hub control is ECS.17 (host network mode). */
function hostNetworkTaskDefinition(): TaskDefinition {
  return {
    taskDefinitionArn: tdArn('hostnet', 1), family: 'hostnet', revision: 1, status: 'ACTIVE', networkMode: 'host', requiresCompatibilities: ['EC2'], registeredAt: at,
    containerDefinitions: [{ name: 'agent', image: 'public.ecr.aws/agent:1', essential: true, user: '1000', readonlyRootFilesystem: true, logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/hostnet', 'awslogs-region': R1 } } }],
  };
}

/** A revision whose only failing Security Hub control is ECS.8 (AWS keys in environment). */
function keysTaskDefinition(): TaskDefinition {
  return {
    taskDefinitionArn: tdArn('keys', 1), family: 'keys', revision: 1, status: 'ACTIVE', networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'], cpu: '256', memory: '512', registeredAt: at,
    containerDefinitions: [{ name: 'sync', image: 'public.ecr.aws/sync:1', essential: true, user: '1000', readonlyRootFilesystem: true, environment: [{ name: 'AWS_ACCESS_KEY_ID', value: 'AKIAIOSFODNN7EXAMPLE' }], logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/keys', 'awslogs-region': R1 } } }],
  };
}

function service(cluster: string, name: string, taskDefinition: string, extra: Partial<Service> = {}): Service {
  return { serviceArn: serviceArn(cluster, name), serviceName: name, clusterArn: clusterArn(cluster), status: 'ACTIVE', desiredCount: 2, runningCount: 2, launchType: 'EC2', taskDefinition, createdAt: at, tags: [{ key: 'team', value: 'core' }], ...extra };
}

/**
 * The loopback's fixture account plus, in eu-west-1: family `full` (revisions 4 and 5, every
 * register field), `hostnet` (ECS.17 only), `keys` (ECS.8 only); cluster `edge`; services
 * prod/full-api and edge/full-edge on full:5, prod/full-legacy on full:4, prod/batch-deploy
 * (CODE_DEPLOY) on batch:1, edge/hostnet-svc on hostnet:1.
 */
function rolloutFixture(): AccountFixture {
  const f = fixtureAccount(ACCOUNT);
  const r1 = f[R1];
  r1.taskDefinitions.push(
    { taskDefinition: fullTaskDefinition(4), tags: FULL_TAGS },
    { taskDefinition: fullTaskDefinition(5), tags: FULL_TAGS },
    { taskDefinition: hostNetworkTaskDefinition(), tags: [{ key: 'team', value: 'infra' }] },
    { taskDefinition: keysTaskDefinition(), tags: [{ key: 'team', value: 'data' }] },
  );
  r1.clusters.push({ clusterArn: clusterArn('edge'), clusterName: 'edge', status: 'ACTIVE', settings: [{ name: 'containerInsights', value: 'enabled' }], tags: [{ key: 'env', value: 'edge' }] });
  r1.services.push(
    service('prod', 'full-api', tdArn('full', 5)),
    service('edge', 'full-edge', tdArn('full', 5)),
    service('prod', 'full-legacy', tdArn('full', 4)),
    service('prod', 'batch-deploy', A.batch1, { deploymentController: { type: 'CODE_DEPLOY' } }),
    service('edge', 'hostnet-svc', tdArn('hostnet', 1)),
  );
  return f;
}

let lb: EcsLoopback;
let fixture: AccountFixture;
const opened: EcsLoopback[] = [];
afterEach(async () => {
  while (opened.length) await opened.pop()!.close();
});

async function start(faults: Fault[] = []): Promise<EcsLoopback> {
  fixture = rolloutFixture();
  lb = await startEcsLoopback({ account: ACCOUNT, fixture, pageSize: { ListServices: 25 }, faults });
  opened.push(lb);
  return lb;
}

function options(extra: Partial<RolloutOptions> = {}): RolloutOptions {
  return { regions: [R1, R2], endpoint: lb.endpoint, credentials: CREDENTIALS, controls: ['security-hub'], retryMode: 'standard', maxAttempts: 2, ...extra };
}

const familyOf = (plan: RolloutPlan, name: string, region = R1): FamilyRollout => {
  const f = plan.families.find((x) => x.family === name && x.region === region);
  assert.ok(f, `family ${name} in the plan (families: ${plan.families.map((x) => x.family).join(', ')})`);
  return f;
};
const writes = () => lb.requests.filter((q) => WRITES.has(q.action));
const storedService = (name: string) => fixture[R1].services.find((s) => s.serviceName === name)!;
const storedRevision = (family: string, revision: number) => fixture[R1].taskDefinitions.find((t) => t.taskDefinition.family === family && t.taskDefinition.revision === revision);

/** The RegisterTaskDefinition input `full:5` must give: the original minus describe-only fields, plus exactly the fixed fields. */
function expectedFullInput(): Record<string, unknown> {
  const original = JSON.parse(JSON.stringify(fullTaskDefinition(5))) as Record<string, unknown>;
  for (const k of DESCRIBE_ONLY_FIELDS) delete original[k];
  const app = (original.containerDefinitions as Record<string, unknown>[])[0];
  delete app.privileged; // ECS.4
  app.readonlyRootFilesystem = true; // ECS.5
  (app.mountPoints as unknown[]).push({ sourceVolume: 'tmp', containerPath: '/tmp', readOnly: false }); // ECS.5
  (original.volumes as unknown[]).push({ name: 'tmp' }); // ECS.5
  app.logConfiguration = { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/full', 'awslogs-region': R1, 'awslogs-stream-prefix': 'ecs' } }; // ECS.9
  ((original.volumes as Record<string, Record<string, unknown>>[])[0].efsVolumeConfiguration).transitEncryption = 'ENABLED'; // ECS.18
  app.user = '1000:1000'; // ECS.20
  original.tags = FULL_TAGS;
  return original;
}

describe('planRollout (dry run)', () => {
  it('makes only read calls and plans per family: changes, todo, refusals, services, calls', async () => {
    await start();
    const plan = await planRollout(options());
    for (const q of lb.requests) assert.ok(READ_ONLY.has(q.action), `dry run made ${q.action}`);
    assert.equal(plan.mode, 'dry-run');
    assert.equal(plan.account, ACCOUNT);
    assert.deepEqual(plan.errors, []);
    assert.deepEqual(plan.families.map((f) => `${f.region} ${f.family}`), [`${R1} batch`, `${R1} full`, `${R1} hostnet`, `${R1} keys`, `${R1} worker`]);
    assert.equal(plan.clean, 3, 'web, win and use1-app pass every Security Hub control');

    const full = familyOf(plan, 'full');
    assert.equal(full.from, tdArn('full', 5), 'the latest ACTIVE revision');
    assert.equal(full.to, null);
    assert.deepEqual(full.fixed, ['ECS.4', 'ECS.5', 'ECS.9', 'ECS.18', 'ECS.20']);
    assert.ok(full.changes.some((c) => c.startsWith("ECS.20: container 'app': user set to '1000:1000'")), full.changes.join('\n'));
    assert.ok(full.todo.some((t) => /log group \/ecs\/full/.test(t)));
    assert.deepEqual(full.registerInput, expectedFullInput());
    assert.deepEqual(full.services.map((s) => [s.clusterName, s.serviceName, s.update]), [['edge', 'full-edge', true], ['prod', 'full-api', true], ['prod', 'full-legacy', true]]);
    assert.match(full.services.find((s) => s.serviceName === 'full-legacy')!.note ?? '', /runs revision 4/);
    assert.deepEqual(full.calls.map((c) => [c.action, c.status]), [['RegisterTaskDefinition', 'planned'], ['UpdateService', 'planned'], ['UpdateService', 'planned'], ['UpdateService', 'planned']]);
    assert.equal(full.calls[0].text, 'RegisterTaskDefinition family=full (revision 5 -> new)');
    assert.equal(full.calls[1].text, 'UpdateService cluster=edge service=full-edge taskDefinition=full:(new revision) forceNewDeployment=true');

    const batch = familyOf(plan, 'batch');
    assert.deepEqual(batch.services.map((s) => [s.serviceName, s.update]), [['batch-deploy', false]]);
    assert.match(batch.services[0].note!, /CODE_DEPLOY/);
    assert.ok(batch.todo.some((t) => /batch-deploy.*CodeDeploy deployment/.test(t)));

    const worker = familyOf(plan, 'worker');
    assert.equal(worker.services.filter((s) => s.update).length, 12, 'the twelve dev services');
    assert.ok(worker.refused.some((r) => r.control === 'ECS.15'), 'untagged: no automatic fix, reported');

    // Service and cluster fixes are reported for their source, never planned as calls.
    assert.ok(plan.elsewhere.some((e) => e.resource.id === A.checkout && e.control === 'ECS.2'));
    assert.ok(plan.elsewhere.some((e) => e.resource.id === A.dev && e.control === 'ECS.12'));
    assert.ok(plan.elsewhere.some((e) => e.resource.id === A.taskSet && e.control === 'ECS.16'));
    for (const f of plan.families) for (const c of f.calls) assert.ok(WRITES.has(c.action));
  });

  it('a family with only ECS.17 failing gets no revision, and is reported with its services', async () => {
    await start();
    const plan = await planRollout(options());
    const hostnet = familyOf(plan, 'hostnet');
    assert.equal(hostnet.registerInput, null);
    assert.deepEqual(hostnet.calls, []);
    assert.deepEqual(hostnet.refused.map((r) => r.control), ['ECS.17']);
    assert.deepEqual(hostnet.services.map((s) => [s.serviceName, s.update]), [['hostnet-svc', false]]);
    const done = await applyRollout(plan);
    assert.ok(!lb.requests.some((q) => q.action === 'RegisterTaskDefinition' && q.input.family === 'hostnet'));
    assert.ok(!lb.requests.some((q) => q.action === 'UpdateService' && q.input.service === serviceArn('edge', 'hostnet-svc')));
    assert.equal(familyOf(done, 'hostnet').to, null);
    assert.equal(storedService('hostnet-svc').taskDefinition, tdArn('hostnet', 1));
  });

  it('ECS.8 is not rolled out live (placeholder secret ARNs would stop every new task)', async () => {
    await start();
    const plan = await planRollout(options());
    const keys = familyOf(plan, 'keys');
    assert.equal(keys.registerInput, null);
    assert.deepEqual(keys.refused.map((r) => r.control), ['ECS.8']);
    assert.match(keys.refused[0].reason, /placeholder ARNs/);
  });

  it('--family keeps to the families named; a family found nowhere is an error', async () => {
    await start();
    const plan = await planRollout(options({ families: ['batch'] }));
    assert.deepEqual(plan.families.map((f) => f.family), ['batch']);
    assert.equal(plan.clean, 0);
    assert.ok(plan.elsewhere.every((e) => e.resource.id.includes('batch')), 'only resources of the family');
    await applyRollout(plan);
    assert.deepEqual(writes().map((q) => `${q.action} ${String(q.input.family ?? q.input.service)}`), ['RegisterTaskDefinition batch']);

    const missing = await planRollout(options({ families: ['nope'] }));
    assert.deepEqual(missing.families, []);
    assert.match(missing.errors.map((e) => e.message).join('\n'), /'nope' has no ACTIVE revision/);
    await assert.rejects(planRollout(options({ families: ['bad name!'] })), ConfigError);
  });
});

describe('applyRollout against the loopback', () => {
  it('registers a revision that keeps every field of the original, plus exactly the fixed fields, and scans clean', async () => {
    await start();
    const plan = await planRollout(options());
    const done = await applyRollout(plan);
    const register = lb.requests.filter((q) => q.action === 'RegisterTaskDefinition' && q.input.family === 'full');
    assert.equal(register.length, 1);
    const sent = register[0].input;
    assert.deepEqual(sent, expectedFullInput());
    // Named, because a peer's fix once dropped them without a word.
    for (const key of ['taskRoleArn', 'executionRoleArn', 'volumes', 'runtimePlatform', 'placementConstraints', 'proxyConfiguration', 'ephemeralStorage', 'pidMode', 'ipcMode', 'inferenceAccelerators', 'cpu', 'memory', 'requiresCompatibilities', 'networkMode', 'tags']) {
      assert.ok(key in sent, `${key} is carried over`);
    }
    for (const key of DESCRIBE_ONLY_FIELDS) assert.ok(!(key in sent), `${key} is not sent`);

    const full = familyOf(done, 'full');
    assert.equal(done.mode, 'apply');
    assert.equal(full.to, tdArn('full', 6), 'the family had revisions up to 5');
    assert.equal(full.calls[0].status, 'ok');
    assert.equal(full.calls[0].result, tdArn('full', 6));

    // The new revision, read back from ECS, passes the controls that were fixed.
    const ecs = new ECSClient({ region: R1, endpoint: lb.endpoint, credentials: CREDENTIALS, maxAttempts: 1 });
    try {
      const described = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'full', include: ['TAGS'] }));
      assert.equal(described.taskDefinition?.revision, 6);
      assert.deepEqual(described.tags, FULL_TAGS);
      const findings = evaluateTaskDefinition(described.taskDefinition!, described.tags, { controls: full.fixed });
      assert.ok(findings.length >= full.fixed.length);
      assert.deepEqual(findings.filter((f) => f.status !== 'PASSED').map((f) => `${f.control} ${f.status}`), []);
    } finally {
      ecs.destroy();
    }
    // A second plan finds nothing more to register.
    const again = await planRollout(options());
    assert.deepEqual(again.families.filter((f) => f.registerInput).map((f) => f.family), []);
  });

  it('updates every service of the family with forceNewDeployment, and leaves other families alone', async () => {
    await start();
    const done = await applyRollout(await planRollout(options()));
    const updates = lb.requests.filter((q) => q.action === 'UpdateService');
    const fullUpdates = updates.filter((q) => String(q.input.service).includes('/full-'));
    assert.deepEqual(fullUpdates.map((q) => q.input).sort((a, b) => String(a.service).localeCompare(String(b.service))), [
      { cluster: clusterArn('edge'), service: serviceArn('edge', 'full-edge'), taskDefinition: tdArn('full', 6), forceNewDeployment: true },
      { cluster: clusterArn('prod'), service: serviceArn('prod', 'full-api'), taskDefinition: tdArn('full', 6), forceNewDeployment: true },
      { cluster: clusterArn('prod'), service: serviceArn('prod', 'full-legacy'), taskDefinition: tdArn('full', 6), forceNewDeployment: true },
    ]);
    for (const name of ['full-api', 'full-edge', 'full-legacy']) assert.equal(storedService(name).taskDefinition, tdArn('full', 6));
    // Every update comes after its family's registration.
    const registeredAt = lb.requests.findIndex((q) => q.action === 'RegisterTaskDefinition' && q.input.family === 'full');
    assert.ok(lb.requests.findIndex((q) => q === fullUpdates[0]) > registeredAt);
    // Other families' services: web (clean), batch's CODE_DEPLOY service, hostnet (no revision).
    for (const arn of [A.checkout, A.api, A.blueGreen, serviceArn('prod', 'batch-deploy'), serviceArn('edge', 'hostnet-svc')]) {
      assert.ok(!updates.some((q) => q.input.service === arn), `${arn} is not updated`);
    }
    assert.equal(storedService('checkout').taskDefinition, A.web3);
    assert.equal(storedService('batch-deploy').taskDefinition, A.batch1);
    const worker = familyOf(done, 'worker');
    assert.equal(worker.to, tdArn('worker', 3), 'one above the highest revision, INACTIVE ones included');
    assert.equal(worker.services.filter((s) => s.outcome === 'updated').length, 12);
    assert.equal(updates.length, 3 + 12);
    assert.ok(!writes().some((q) => q.action === 'DeregisterTaskDefinition'), 'nothing deregistered unless asked');
    for (const f of done.families) for (const c of f.calls) assert.notEqual(c.status, 'failed', c.text);
  });

  it('--deregister-previous deregisters the replaced revision only after its services were updated', async () => {
    await start();
    const plan = await planRollout(options({ deregisterPrevious: true }));
    assert.equal(familyOf(plan, 'full').calls.at(-1)?.text, `DeregisterTaskDefinition taskDefinition=${tdArn('full', 5)}`);
    assert.match(familyOf(plan, 'batch').deregister.kept ?? '', /batch-deploy still runs it/);
    const done = await applyRollout(plan);
    const deregistered = writes().filter((q) => q.action === 'DeregisterTaskDefinition').map((q) => q.input.taskDefinition);
    assert.deepEqual(deregistered.sort(), [tdArn('full', 5), A.worker1].sort());
    const at = (pred: (q: EcsLoopback['requests'][number]) => boolean) => lb.requests.findIndex(pred);
    const deregisterFull = at((q) => q.action === 'DeregisterTaskDefinition' && q.input.taskDefinition === tdArn('full', 5));
    for (const name of ['full-api', 'full-edge', 'full-legacy']) {
      assert.ok(at((q) => q.action === 'UpdateService' && q.input.service === serviceArn(name === 'full-edge' ? 'edge' : 'prod', name)) < deregisterFull, `${name} updated first`);
    }
    assert.equal(storedRevision('full', 5)?.taskDefinition.status, 'INACTIVE');
    assert.equal(storedRevision('full', 4)?.taskDefinition.status, 'ACTIVE', 'only the replaced revision');
    assert.equal(storedRevision('batch', 1)?.taskDefinition.status, 'ACTIVE', 'a CODE_DEPLOY service still runs it');
    assert.equal(familyOf(done, 'full').deregister.kept, null);
    assert.equal(familyOf(done, 'full').calls.at(-1)?.status, 'ok');
    assert.match(familyOf(done, 'batch').deregister.kept ?? '', /batch-deploy/);
  });

  it('keeps the replaced revision when an update fails, and goes on with the other families', async () => {
    await start([{ kind: 'deny', action: 'UpdateService', match: (i) => i.service === serviceArn('edge', 'full-edge') }]);
    const done = await applyRollout(await planRollout(options({ deregisterPrevious: true })));
    const full = familyOf(done, 'full');
    const failed = full.calls.filter((c) => c.status === 'failed');
    assert.equal(failed.length, 1);
    assert.match(failed[0].text, /service=full-edge/);
    assert.match(failed[0].error ?? '', /AccessDeniedException.*ecs:UpdateService/);
    assert.equal(full.services.find((s) => s.serviceName === 'full-edge')?.outcome, 'failed');
    assert.equal(full.services.find((s) => s.serviceName === 'full-api')?.outcome, 'updated', 'the other services are still updated');
    assert.ok(!lb.requests.some((q) => q.action === 'DeregisterTaskDefinition' && q.input.taskDefinition === tdArn('full', 5)));
    assert.equal(storedRevision('full', 5)?.taskDefinition.status, 'ACTIVE');
    assert.match(full.deregister.kept ?? '', /update of edge\/full-edge failed/);
    assert.equal(full.calls.at(-1)?.status, 'not made');
    // The other families went on.
    assert.equal(familyOf(done, 'worker').to, tdArn('worker', 3));
    assert.equal(storedRevision('worker', 1)?.taskDefinition.status, 'INACTIVE');
  });

  it('fails closed: a service that could not be described keeps the replaced revision', async () => {
    // The twelve dev services (worker:1) cannot be described: one of them may run it.
    await start([{ kind: 'deny', action: 'DescribeServices', match: (i) => String(i.cluster).endsWith('cluster/dev') }]);
    const plan = await planRollout(options({ deregisterPrevious: true }));
    assert.ok(plan.errors.some((e) => /DescribeServices failed/.test(e.message)));
    const worker = familyOf(plan, 'worker');
    assert.deepEqual(worker.services, [], 'unknown services are not guessed');
    assert.match(worker.deregister.kept ?? '', /could not be described/);
    const done = await applyRollout(plan);
    assert.equal(familyOf(done, 'worker').to, tdArn('worker', 3), 'the revision is still registered');
    assert.ok(!lb.requests.some((q) => q.action === 'DeregisterTaskDefinition' && q.input.taskDefinition === A.worker1));
    assert.equal(storedRevision('worker', 1)?.taskDefinition.status, 'ACTIVE');
    assert.deepEqual(familyOf(done, 'worker').calls.map((c) => `${c.action} ${c.status}`), ['RegisterTaskDefinition ok', 'DeregisterTaskDefinition not made']);
  });

  it('a failed registration stops that family only', async () => {
    await start([{ kind: 'server-error', action: 'RegisterTaskDefinition', match: (i) => i.family === 'full' }]);
    const done = await applyRollout(await planRollout(options({ deregisterPrevious: true })));
    const full = familyOf(done, 'full');
    assert.equal(full.to, null);
    assert.deepEqual(full.calls.map((c) => c.status), ['failed', 'not made', 'not made', 'not made', 'not made']);
    assert.ok(!lb.requests.some((q) => q.action === 'UpdateService' && String(q.input.service).includes('/full-')));
    assert.equal(familyOf(done, 'batch').calls[0].status, 'ok');
  });

  it('refuses a plan read in another account', async () => {
    await start();
    const plan = await planRollout(options());
    const other = { ...structuredClone(plan), account: '999988887777' };
    await assert.rejects(applyRollout(other, { endpoint: lb.endpoint, credentials: CREDENTIALS }), /made for account 999988887777/);
    assert.deepEqual(writes(), []);
  });
});

describe('applyRollout with aws-sdk-client-mock', () => {
  it('UpdateService failures are reported per call, and nothing is deregistered', async () => {
    await start();
    const plan = await planRollout(options({ families: ['full'], deregisterPrevious: true }));
    const ecs = mockClient(ECSClient);
    try {
      ecs.on(RegisterTaskDefinitionCommand).callsFake((input: { family: string }) => ({ taskDefinition: { taskDefinitionArn: tdArn(input.family, 99), family: input.family, revision: 99, status: 'ACTIVE' } }));
      ecs.on(UpdateServiceCommand).rejects(new ServiceNotFoundException({ message: 'Service not found.', $metadata: { httpStatusCode: 400 } }));
      ecs.on(DeregisterTaskDefinitionCommand).resolves({});
      const seen: string[] = [];
      const done = await applyRollout(plan, { onCall: (c) => seen.push(`${c.status} ${c.action}`) });
      const full = familyOf(done, 'full');
      assert.equal(full.to, tdArn('full', 99));
      assert.deepEqual(ecs.commandCalls(RegisterTaskDefinitionCommand).map((c) => c.args[0].input), [full.registerInput]);
      const updates = ecs.commandCalls(UpdateServiceCommand).map((c) => c.args[0].input);
      assert.equal(updates.length, 3);
      for (const u of updates) {
        assert.equal(u.taskDefinition, tdArn('full', 99));
        assert.equal(u.forceNewDeployment, true);
      }
      assert.equal(ecs.commandCalls(DeregisterTaskDefinitionCommand).length, 0, 'kept: the updates failed');
      assert.deepEqual(full.services.map((s) => s.outcome), ['failed', 'failed', 'failed']);
      for (const c of full.calls.filter((x) => x.action === 'UpdateService')) assert.match(c.error ?? '', /^ServiceNotFoundException: Service not found/);
      assert.match(full.deregister.kept ?? '', /failed/);
      assert.deepEqual(seen, ['running RegisterTaskDefinition', 'ok RegisterTaskDefinition', 'running UpdateService', 'failed UpdateService', 'running UpdateService', 'failed UpdateService', 'running UpdateService', 'failed UpdateService', 'not made DeregisterTaskDefinition']);
    } finally {
      ecs.restore();
    }
    assert.deepEqual(writes(), [], 'the mock took every write');
  });
});


/** runFixAws against the loopback in [R1]. */
function fixAws(flags: Partial<FixAwsFlags>, capture = io()) {
  return runFixAwsWith(lb.endpoint, [R1], flags, capture);
}

describe('runFixAws (CLI glue)', () => {
  it('--apply without --yes off a terminal is a usage error, before any call', async () => {
    await start();
    await assert.rejects(fixAws({ apply: true }), (e: unknown) => e instanceof ConfigError && /add --yes/.test((e as Error).message));
    await assert.rejects(fixAws({ yes: true }), (e: unknown) => e instanceof ConfigError && /--yes is used only with --apply/.test((e as Error).message));
    await assert.rejects(fixAws({ format: 'sarif' }), ConfigError);
    assert.deepEqual(lb.requests, []);
  });

  it('dry run: JSON report of the plan, read calls only, exit 0', async () => {
    await start();
    const r = await fixAws({ format: 'json' });
    assert.equal(r.code, 0, r.err);
    const doc = JSON.parse(r.out);
    assert.equal(doc.mode, 'dry-run');
    assert.equal(doc.account, ACCOUNT);
    const full = doc.families.find((f: { family: string }) => f.family === 'full');
    assert.equal(full.region, R1);
    assert.equal(full.from, tdArn('full', 5));
    assert.equal(full.to, null);
    assert.ok(full.changes.length > 0 && full.todo.length > 0);
    assert.equal(full.services.length, 3);
    assert.ok(full.calls.every((c: { status: string }) => c.status === 'planned'));
    assert.ok(!('registerInput' in full), 'the input, with environment values, is not printed');
    assert.equal(doc.families.find((f: { family: string }) => f.family === 'hostnet').to, null);
    assert.ok(doc.elsewhere.length > 0);
    assert.equal(doc.summary.revisions, 3);
    assert.deepEqual(writes(), []);
  });

  it('dry run: the text report marks the calls as not made', async () => {
    await start();
    const r = await fixAws({ family: 'full' });
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^eu-west-1 full: arn:aws:ecs:eu-west-1:111122223333:task-definition\/full:5 -> new revision$/m);
    assert.match(r.out, /calls \(dry run, not made\):\n {4}RegisterTaskDefinition family=full \(revision 5 -> new\)\n {4}UpdateService cluster=edge service=full-edge taskDefinition=full:\(new revision\) forceNewDeployment=true/);
    assert.match(r.out, /Dry run in account 111122223333: 1 revision to register, 3 services to update; 0 families clean\. No change was made: run again with --apply/);
    assert.deepEqual(writes(), []);
  });

  it('--apply --yes makes the calls, printing each as it is made; JSON report of the outcome', async () => {
    await start();
    const r = await fixAws({ apply: true, yes: true, format: 'json', family: ['full', 'hostnet'] });
    assert.equal(r.code, 0, r.err);
    const doc = JSON.parse(r.out);
    assert.equal(doc.mode, 'apply');
    const full = doc.families.find((f: { family: string }) => f.family === 'full');
    assert.equal(full.to, tdArn('full', 6));
    assert.deepEqual(full.calls.map((c: { status: string }) => c.status), ['ok', 'ok', 'ok', 'ok']);
    assert.match(r.err, /^eu-west-1 RegisterTaskDefinition family=full \(revision 5 -> new\)\n {2}-> ok: arn:aws:ecs:eu-west-1:111122223333:task-definition\/full:6$/m);
    assert.match(r.err, new RegExp(`^eu-west-1 UpdateService cluster=prod service=full-api taskDefinition=${tdArn('full', 6)} forceNewDeployment=true\\n {2}-> ok$`, 'm'));
    assert.equal(writes().length, 4);
  });

  it('on a terminal, --apply asks first; no means nothing is changed and exit 1', async () => {
    await start();
    const r = await fixAws({ apply: true }, io(true, false));
    assert.equal(r.code, 1);
    assert.deepEqual(r.questions, [`Register 3 revisions and update 15 services in account ${ACCOUNT}? [y/N] `]);
    assert.match(r.err, /nothing was changed/);
    assert.deepEqual(writes(), []);
    const yes = await fixAws({ apply: true, family: 'batch' }, io(true, true));
    assert.equal(yes.code, 0, yes.err);
    assert.match(yes.out, /eu-west-1 RegisterTaskDefinition family=batch \(revision 1 -> new\)\n {2}-> ok: /);
    assert.match(yes.out, /Applied in account 111122223333: registered 1 revision, updated 0 services; every call succeeded\./);
  });

  it('exit 1 when a call fails; the other calls are still made', async () => {
    await start([{ kind: 'deny', action: 'UpdateService', match: (i) => i.service === serviceArn('prod', 'full-api') }]);
    const r = await fixAws({ apply: true, yes: true, deregisterPrevious: true, family: 'full' });
    assert.equal(r.code, 1);
    assert.match(r.out, /UpdateService cluster=prod service=full-api .*\n {2}-> FAILED: AccessDeniedException/);
    assert.match(r.out, /DeregisterTaskDefinition taskDefinition=.*full:5\n {2}-> not made: kept: the update of prod\/full-api failed/);
    assert.match(r.out, /1 call FAILED/);
    assert.equal(lb.requests.filter((q) => q.action === 'UpdateService').length, 3);
  });
});

const CLI = join(resolve(import.meta.dirname, '..', '..'), 'dist', 'cli', 'main.js');
/** Whether the built CLI has `fix --aws --apply` (the fix command is wired in main.ts by another change). */
describe('ecsguard fix --aws (built CLI)', () => {
  // npm test builds dist/ first; a missing build fails here rather than skipping.
  it('--apply without --yes, standard input not a terminal: exit 2 saying to add --yes', async () => {
    await start();
    const r = await new Promise<{ status: number | null; stderr: string }>((done) => {
      const child = spawn(process.execPath, [CLI, 'fix', '--aws', '--apply', '--endpoint-url', lb.endpoint, '--region', R1], {
        env: { ...process.env, NO_COLOR: '1', AWS_ACCESS_KEY_ID: 'AKIDLOOPBACKTEST0000', AWS_SECRET_ACCESS_KEY: 'loopback-secret', AWS_REGION: '', AWS_DEFAULT_REGION: '', AWS_PROFILE: '' },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      child.stdin.end();
      child.on('close', (status) => done({ status, stderr }));
    });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /add --yes/);
    assert.deepEqual(lb.requests, [], 'nothing was called');
  });
});

describe('ecs-loopback write actions', () => {
  it('RegisterTaskDefinition, UpdateService and DeregisterTaskDefinition answer as ECS does', async () => {
    await start();
    const ecs = new ECSClient({ region: R1, endpoint: lb.endpoint, credentials: CREDENTIALS, maxAttempts: 1 });
    try {
      const reg = await ecs.send(new RegisterTaskDefinitionCommand({ family: 'worker', containerDefinitions: [{ name: 'w', image: 'w:1' }], tags: [{ key: 'team', value: 'x' }] }));
      assert.equal(reg.taskDefinition?.revision, 3, 'above the INACTIVE revision 2');
      assert.equal(reg.taskDefinition?.status, 'ACTIVE');
      assert.deepEqual(reg.tags, [{ key: 'team', value: 'x' }]);
      assert.ok(reg.taskDefinition?.registeredAt instanceof Date);
      const fresh = await ecs.send(new RegisterTaskDefinitionCommand({ family: 'brand-new', containerDefinitions: [{ name: 'n', image: 'n:1' }] }));
      assert.equal(fresh.taskDefinition?.taskDefinitionArn, tdArn('brand-new', 1));
      await assert.rejects(ecs.send(new UpdateServiceCommand({ cluster: 'prod', service: 'nope', taskDefinition: tdArn('worker', 3) })), (e: Error) => e.name === 'ServiceNotFoundException');
      await assert.rejects(ecs.send(new UpdateServiceCommand({ cluster: 'prod', service: 'api', taskDefinition: A.web1 })), (e: Error) => e.name === 'ClientException' && /inactive/.test(e.message));
      await assert.rejects(ecs.send(new UpdateServiceCommand({ cluster: 'prod', service: 'blue-green', taskDefinition: A.web3 })), (e: Error) => e.name === 'InvalidParameterException');
      const upd = await ecs.send(new UpdateServiceCommand({ cluster: A.dev, service: A.devServices[0], taskDefinition: 'worker:3', forceNewDeployment: true }));
      assert.equal(upd.service?.taskDefinition, tdArn('worker', 3));
      assert.equal(storedService('svc-01').taskDefinition, tdArn('worker', 3));
      const dereg = await ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: A.worker1 }));
      assert.equal(dereg.taskDefinition?.status, 'INACTIVE');
      await assert.rejects(ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: 'worker' })), (e: Error) => e.name === 'ClientException', 'a revision is required');
      assert.deepEqual(lb.requests.map((q) => q.action).filter((a) => WRITES.has(a)).length, 8, 'writes are recorded like reads');
    } finally {
      ecs.destroy();
    }
  });
});

describe('taskDefinitionRef', () => {
  it('reads family and revision from ARNs and short forms', () => {
    assert.deepEqual(taskDefinitionRef(tdArn('web', 12)), { family: 'web', revision: 12 });
    assert.deepEqual(taskDefinitionRef('web:3'), { family: 'web', revision: 3 });
    assert.deepEqual(taskDefinitionRef('web'), { family: 'web', revision: null });
    assert.equal(taskDefinitionRef('arn:aws:ecs:eu-west-1:111122223333:service/prod/web'), null);
  });
});
