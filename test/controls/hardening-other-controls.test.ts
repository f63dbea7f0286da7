/** Case tables for the hardening checks ECSG.6 to ECSG.10: images, roles, ECS Exec, availability. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ecsg06 } from '../../src/controls/ecsg-06.js';
import { ecsg07 } from '../../src/controls/ecsg-07.js';
import { ecsg08, sameRole } from '../../src/controls/ecsg-08.js';
import { ecsg09 } from '../../src/controls/ecsg-09.js';
import { ecsg10 } from '../../src/controls/ecsg-10.js';
import { imageAllowed, parseImage } from '../../src/controls/image-reference.js';
import { unresolved } from '../../src/model/index.js';
import { container, taskDef, testControl } from '../helpers/control-tester.js';

const DIGEST = 'sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945';
const img = (image: unknown) => taskDef([container({ image })]);

describe('image references', () => {
  it('are read as Docker reads them', () => {
    assert.deepEqual(parseImage('nginx'), { registry: 'docker.io', repository: 'library/nginx', tag: null, digest: null });
    assert.deepEqual(parseImage('nginx:1.27'), { registry: 'docker.io', repository: 'library/nginx', tag: '1.27', digest: null });
    assert.deepEqual(parseImage('grafana/grafana:11.0.0'), { registry: 'docker.io', repository: 'grafana/grafana', tag: '11.0.0', digest: null });
    assert.deepEqual(parseImage(`localhost:5000/app@${DIGEST}`), { registry: 'localhost:5000', repository: 'app', tag: null, digest: DIGEST });
    assert.deepEqual(parseImage(`111122223333.dkr.ecr.eu-west-1.amazonaws.com/team/app:1.0@${DIGEST}`), { registry: '111122223333.dkr.ecr.eu-west-1.amazonaws.com', repository: 'team/app', tag: '1.0', digest: DIGEST });
  });
  it('match allow-list entries by host, repository prefix and * within one part', () => {
    const ecr = parseImage('111122223333.dkr.ecr.eu-west-1.amazonaws.com/team/app:1.0')!;
    assert.ok(imageAllowed(ecr, '*.dkr.ecr.*.amazonaws.com'));
    assert.ok(imageAllowed(ecr, '111122223333.dkr.ecr.eu-west-1.amazonaws.com/team'));
    assert.ok(!imageAllowed(ecr, '111122223333.dkr.ecr.eu-west-1.amazonaws.com/tea'));
    assert.ok(imageAllowed(ecr, '*.amazonaws.com'), '* spans the dots of a host');
    assert.ok(!imageAllowed(ecr, '*/app'), '* never spans a /');
    assert.ok(imageAllowed(parseImage('nginx')!, 'docker.io/library'));
    assert.ok(!imageAllowed(parseImage('evil.example.com/public.ecr.aws/x')!, 'public.ecr.aws'));
  });
});

testControl(ecsg06, [
  { name: 'a digest passes', properties: img(`111122223333.dkr.ecr.eu-west-1.amazonaws.com/app@${DIGEST}`), status: 'PASSED', messageId: 'pinned' },
  { name: 'a tag and a digest pass', properties: img(`app:1.2.3@${DIGEST}`), status: 'PASSED' },
  { name: 'latest fails', properties: img('app:latest'), status: 'FAILED', messageId: 'latestTag', path: 'containerDefinitions[0].image', reasonIncludes: ["'app:latest'"] },
  { name: 'no tag fails (it means latest)', properties: img('111122223333.dkr.ecr.eu-west-1.amazonaws.com/app'), status: 'FAILED', messageId: 'noTag' },
  { name: 'a registry port is no tag', properties: img('registry.internal:5000/app'), status: 'FAILED', messageId: 'noTag' },
  { name: 'a version tag without a digest fails by default', properties: img('app:1.2.3'), status: 'FAILED', messageId: 'notPinned', reasonIncludes: ["'1.2.3'"] },
  { name: 'requireDigest false accepts a version tag', params: { requireDigest: false }, properties: img('app:1.2.3'), status: 'PASSED', reasonIncludes: ['other than latest'] },
  { name: 'requireDigest false still fails latest', params: { requireDigest: false }, properties: img('app:latest'), status: 'FAILED', messageId: 'latestTag' },
  { name: 'a malformed digest is no pin', properties: img('app:1.0@sha256:abc'), status: 'FAILED', messageId: 'notPinned' },
  { name: 'every container is judged', properties: taskDef([container({ name: 'a', image: `a@${DIGEST}` }), container({ name: 'b', image: 'b' })]), status: 'FAILED', path: 'containerDefinitions[1].image' },
  { name: 'an unknown image is NOT_AVAILABLE', properties: img(unresolved('Fn::Sub: ${AWS::AccountId} is known only at deployment')), status: 'NOT_AVAILABLE', messageId: 'imageUnknown', reasonIncludes: ['AccountId'] },
  { name: 'a container without an image is left to ECS', properties: taskDef([{ name: 'x' }]), status: 'PASSED' },
]);

const allow = { allowedRegistries: ['*.dkr.ecr.*.amazonaws.com', 'public.ecr.aws/aws-observability'] };
testControl(ecsg07, [
  { name: 'off by default: no finding at all', properties: img('nginx:latest'), status: 'NOT_APPLICABLE' },
  { name: 'a private ECR image passes', params: allow, properties: img('111122223333.dkr.ecr.eu-west-1.amazonaws.com/app:1.0'), status: 'PASSED', messageId: 'allAllowed' },
  { name: 'an allowed repository prefix passes', params: allow, properties: img('public.ecr.aws/aws-observability/aws-for-fluent-bit:stable'), status: 'PASSED' },
  { name: 'Docker Hub fails and is named', params: allow, properties: img('nginx:1.27'), status: 'FAILED', messageId: 'registryNotAllowed', path: 'containerDefinitions[0].image', reasonIncludes: ['docker.io'] },
  { name: 'another repository of an allowed host fails', params: allow, properties: img('public.ecr.aws/docker/library/nginx:1.27'), status: 'FAILED', reasonIncludes: ['public.ecr.aws'] },
  { name: 'host names compare case-insensitively', params: allow, properties: img('111122223333.DKR.ECR.eu-west-1.amazonaws.com/app:1'), status: 'PASSED' },
  { name: 'an unknown image is NOT_AVAILABLE', params: allow, properties: img(unresolved('x')), status: 'NOT_AVAILABLE' },
]);

const roles = (taskRoleArn: unknown, executionRoleArn: unknown) => taskDef([container()], { taskRoleArn, executionRoleArn });
describe('role identity', () => {
  it('compares role names per account, regardless of path and case', () => {
    assert.ok(sameRole('arn:aws:iam::111122223333:role/app', 'arn:aws:iam::111122223333:role/service/App'));
    assert.ok(sameRole('app', 'arn:aws:iam::111122223333:role/app'));
    assert.ok(!sameRole('arn:aws:iam::111122223333:role/app', 'arn:aws:iam::444455556666:role/app'));
    assert.ok(!sameRole('app-task', 'app-execution'));
  });
});
testControl(ecsg08, [
  { name: 'different roles pass', properties: roles('arn:aws:iam::111122223333:role/app-task', 'arn:aws:iam::111122223333:role/app-execution'), status: 'PASSED', messageId: 'differentRoles' },
  { name: 'the same role fails at taskRoleArn', properties: roles('arn:aws:iam::111122223333:role/app', 'arn:aws:iam::111122223333:role/app'), status: 'FAILED', messageId: 'sameRole', path: 'taskRoleArn', reasonIncludes: ['role/app'] },
  { name: 'an ARN and the same role by name fail', properties: roles('ecsTaskExecutionRole', 'arn:aws:iam::111122223333:role/ecsTaskExecutionRole'), status: 'FAILED' },
  { name: 'no task role: nothing to compare', properties: roles(undefined, 'arn:aws:iam::111122223333:role/app-execution'), status: 'PASSED', messageId: 'notBoth' },
  { name: 'no roles at all: nothing to compare', properties: taskDef([container()]), status: 'PASSED', messageId: 'notBoth' },
  { name: 'an unknown task role is NOT_AVAILABLE', properties: roles(unresolved('Fn::GetAtt TaskRole.Arn is known only after deployment'), 'arn:aws:iam::111122223333:role/x'), status: 'NOT_AVAILABLE', messageId: 'roleUnknown', path: 'taskRoleArn', reasonIncludes: ['GetAtt'] },
  { name: 'an unknown execution role is NOT_AVAILABLE', properties: roles('arn:aws:iam::111122223333:role/x', unresolved('var.execution_role_arn has no value')), status: 'NOT_AVAILABLE', path: 'executionRoleArn' },
  { name: 'an unknown role beside an absent one changes nothing', properties: roles(unresolved('x'), undefined), status: 'PASSED', messageId: 'notBoth' },
]);

const SERVICE = 'AWS::ECS::Service' as const;
const CLUSTER = 'AWS::ECS::Cluster' as const;
const exec = (cfg: unknown) => ({ clusterName: 'prod', configuration: { executeCommandConfiguration: cfg } });
const KEY = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
testControl(ecsg09, [
  { name: 'a service with ECS Exec on fails', type: SERVICE, properties: { serviceName: 'web', enableExecuteCommand: true }, status: 'FAILED', messageId: 'execEnabled', path: 'enableExecuteCommand' },
  { name: 'a service with ECS Exec off passes', type: SERVICE, properties: { serviceName: 'web', enableExecuteCommand: false }, status: 'PASSED', messageId: 'execOff' },
  { name: 'a service that does not say passes', type: SERVICE, properties: { serviceName: 'web' }, status: 'PASSED' },
  { name: 'an unknown enableExecuteCommand is NOT_AVAILABLE', type: SERVICE, properties: { serviceName: 'web', enableExecuteCommand: unresolved('Ref to parameter Exec') }, status: 'NOT_AVAILABLE' },
  { name: 'a cluster without an ECS Exec configuration: no finding', type: CLUSTER, properties: { clusterName: 'prod' }, status: 'NOT_APPLICABLE' },
  { name: 'logging DEFAULT with a KMS key passes', type: CLUSTER, properties: exec({ kmsKeyId: KEY, logging: 'DEFAULT' }), status: 'PASSED', messageId: 'execLoggedEncrypted', reasonIncludes: ['DEFAULT'] },
  { name: 'logging NONE fails', type: CLUSTER, properties: exec({ kmsKeyId: KEY, logging: 'NONE' }), status: 'FAILED', messageId: 'execLoggingOff', path: 'configuration.executeCommandConfiguration.logging' },
  { name: 'no KMS key fails', type: CLUSTER, properties: exec({ logging: 'DEFAULT' }), status: 'FAILED', messageId: 'execNoKmsKey', path: 'configuration.executeCommandConfiguration.kmsKeyId' },
  { name: 'OVERRIDE with a log group passes', type: CLUSTER, properties: exec({ kmsKeyId: KEY, logging: 'OVERRIDE', logConfiguration: { cloudWatchLogGroupName: '/ecs/exec', cloudWatchEncryptionEnabled: true } }), status: 'PASSED' },
  { name: 'OVERRIDE with a bucket passes', type: CLUSTER, properties: exec({ kmsKeyId: KEY, logging: 'OVERRIDE', logConfiguration: { s3BucketName: 'exec-logs' } }), status: 'PASSED' },
  { name: 'OVERRIDE with no destination fails', type: CLUSTER, properties: exec({ kmsKeyId: KEY, logging: 'OVERRIDE', logConfiguration: {} }), status: 'FAILED', messageId: 'execLoggingNowhere' },
  { name: 'both problems are reported', type: CLUSTER, properties: exec({ logging: 'NONE' }), status: 'FAILED', path: 'configuration.executeCommandConfiguration.logging', violations: ['configuration.executeCommandConfiguration.kmsKeyId'] },
  { name: 'a KMS key known only at deployment counts as set', type: CLUSTER, properties: exec({ kmsKeyId: unresolved('Ref to resource ExecKey'), logging: 'DEFAULT' }), status: 'PASSED' },
  { name: 'unknown logging is NOT_AVAILABLE', type: CLUSTER, properties: exec({ kmsKeyId: KEY, logging: unresolved('Ref to parameter Logging') }), status: 'NOT_AVAILABLE' },
  { name: 'an unknown configuration is NOT_AVAILABLE', type: CLUSTER, properties: { clusterName: 'prod', configuration: unresolved('x') }, status: 'NOT_AVAILABLE', path: 'configuration' },
]);

const hc = { healthCheck: { command: ['CMD-SHELL', 'curl -fsS http://localhost/health || exit 1'] } };
const ec2Task = { requiresCompatibilities: ['EC2'], networkMode: 'bridge' };
testControl(ecsg10, [
  { name: 'health check, task memory and default log mode pass', properties: taskDef([container(hc)], { memory: '512' }), status: 'PASSED', messageId: 'resilient' },
  { name: 'an essential container without a health check fails', properties: taskDef([container()], { memory: '512' }), status: 'FAILED', messageId: 'noHealthCheck', path: 'containerDefinitions[0].healthCheck' },
  { name: 'essential unset counts as essential', properties: taskDef([container({ essential: undefined })], { memory: '512' }), status: 'FAILED', messageId: 'noHealthCheck' },
  { name: 'a non-essential container needs none', properties: taskDef([container(hc), container({ name: 'init', essential: false })], { memory: '512' }), status: 'PASSED' },
  { name: 'a NONE health check is none', properties: taskDef([container({ healthCheck: { command: ['NONE'] } })], { memory: '512' }), status: 'FAILED', messageId: 'noHealthCheck' },
  { name: 'requireHealthCheck false turns that check off', params: { requireHealthCheck: false }, properties: taskDef([container()], { memory: '512' }), status: 'PASSED' },
  { name: 'no task memory and no container memory fails (EC2)', properties: taskDef([container({ ...hc, memoryReservation: 256 })], ec2Task), status: 'FAILED', messageId: 'noMemoryLimit', path: 'containerDefinitions[0].memory' },
  { name: 'a container memory limit passes', properties: taskDef([container({ ...hc, memory: 512 })], ec2Task), status: 'PASSED' },
  { name: 'requireMemoryLimit false turns that check off', params: { requireMemoryLimit: false }, properties: taskDef([container(hc)], ec2Task), status: 'PASSED' },
  { name: 'blocking mode fails', properties: taskDef([container({ ...hc, logConfiguration: { logDriver: 'awslogs', options: { mode: 'blocking' } } })], { memory: '512' }), status: 'FAILED', messageId: 'blockingLogs', path: 'containerDefinitions[0].logConfiguration.options.mode' },
  { name: 'non-blocking mode passes', properties: taskDef([container({ ...hc, logConfiguration: { logDriver: 'awslogs', options: { mode: 'non-blocking' } } })], { memory: '512' }), status: 'PASSED' },
  { name: 'forbidBlockingLogs false accepts blocking mode', params: { forbidBlockingLogs: false }, properties: taskDef([container({ ...hc, logConfiguration: { logDriver: 'awslogs', options: { mode: 'blocking' } } })], { memory: '512' }), status: 'PASSED' },
  { name: 'all three problems are listed', properties: taskDef([container({ logConfiguration: { logDriver: 'awslogs', options: { mode: 'blocking' } } })], ec2Task), status: 'FAILED', violations: ['containerDefinitions[0].memory', 'containerDefinitions[0].logConfiguration.options.mode'] },
  { name: 'all three checks off: no finding', params: { requireHealthCheck: false, requireMemoryLimit: false, forbidBlockingLogs: false }, properties: taskDef([container()]), status: 'NOT_APPLICABLE' },
  { name: 'unknown essential without a health check is NOT_AVAILABLE', properties: taskDef([container({ essential: unresolved('Ref to parameter Essential') })], { memory: '512' }), status: 'NOT_AVAILABLE', messageId: 'essentialUnknown' },
  { name: 'unknown task memory is NOT_AVAILABLE when a container has none', properties: taskDef([container(hc)], { memory: unresolved('Ref to parameter TaskMemory') }), status: 'NOT_AVAILABLE', path: 'memory' },
  { name: 'unknown log mode is NOT_AVAILABLE', properties: taskDef([container({ ...hc, logConfiguration: { logDriver: 'awslogs', options: { mode: unresolved('x') } } })], { memory: '512' }), status: 'NOT_AVAILABLE' },
]);
